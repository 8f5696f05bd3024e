package io.swarmcast.cli;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.security.SecurityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real cluster for integration tests: the driver in the test JVM, executors as separate JVM
 * processes on 127.0.0.1 (free ports), stopped by PID on {@link #close()}. Executors run Netty's
 * leak detector at paranoid, and {@link #close()} fails if any of their logs reports a leak.
 */
final class LocalCluster implements AutoCloseable {
  final BroadcastManager manager;
  final DriverNode driver;
  private final LocalExecutors executors;

  private LocalCluster(BroadcastManager manager, LocalExecutors executors) {
    this.manager = manager;
    this.driver = (DriverNode) BroadcastInternals.node(manager);
    this.executors = executors;
  }

  static LocalCluster withExecutors(int n) throws Exception {
    return withExecutors(n, new SwarmConf());
  }

  static LocalCluster withExecutors(int n, SwarmConf conf) throws Exception {
    conf.set(SwarmConf.DRIVER_HOST, "127.0.0.1").set(SwarmConf.DRIVER_PORT, "0");
    BroadcastManager manager = new BroadcastManager(true, conf, SecurityManager.insecure());
    LocalExecutors executors = null;
    try {
      // Executors track every buffer too; close() fails on a leak any of them reported.
      executors =
          LocalExecutors.start(
              n,
              BroadcastInternals.node(manager).endpoint(),
              List.of("-Xmx512m", "-Dio.netty.leakDetection.level=paranoid"),
              List.of());
      executors.awaitRegistered((DriverNode) BroadcastInternals.node(manager), n, 60);
      return new LocalCluster(manager, executors);
    } catch (Exception | Error e) {
      if (executors != null) {
        executors.close();
      }
      manager.stop();
      throw e;
    }
  }

  List<Integer> executorIds() {
    return driver.executors().stream().map(e -> e.id()).toList();
  }

  List<Process> processes() {
    return executors.processes();
  }

  /** Ships {@code b} to one executor, which reads it on {@code threads} threads and checks it. */
  ReadTask.Result read(int executorId, Broadcast<byte[]> b, byte[] value, int threads)
      throws Exception {
    byte[] task =
        new ReadTask(threads, ReadTaskHandler.digest(value), BroadcastRounds.serialize(b)).encode();
    return ReadTask.Result.decode(driver.runTask(executorId, task).get(120, TimeUnit.SECONDS));
  }

  @Override
  public void close() {
    try {
      manager.stop();
    } finally {
      executors.close();
    }
    List<String> leaks = new ArrayList<>();
    try (var logs = Files.list(executors.logDir())) {
      for (Path log : (Iterable<Path>) logs::iterator) {
        if (Files.readString(log).contains("LEAK:")) {
          leaks.add(log.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError("executors reported buffer leaks; see " + leaks);
    }
  }
}
