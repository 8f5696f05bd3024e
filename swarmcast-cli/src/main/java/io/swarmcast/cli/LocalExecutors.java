package io.swarmcast.cli;

import io.swarmcast.node.DriverNode;
import io.swarmcast.node.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Executor processes on this machine, each a separate JVM running {@code swarmcast executor} with
 * this JVM's classpath, its output in a log file. {@link #close()} stops exactly the processes it
 * started, by PID: politely, then forcibly. Not thread-safe.
 */
public final class LocalExecutors implements AutoCloseable {
  private final List<Process> processes = new ArrayList<>();
  private final Path logDir;
  private final Thread shutdownHook = new Thread(this::close, "swarmcast-stop-executors");

  private LocalExecutors(Path logDir) {
    this.logDir = logDir;
  }

  /**
   * Starts {@code n} executors that join {@code driver}; {@code extraArgs} go to each executor
   * command.
   */
  public static LocalExecutors start(
      int n, Endpoint driver, List<String> jvmArgs, List<String> extraArgs) throws IOException {
    return start(n, driver, jvmArgs, i -> extraArgs);
  }

  /**
   * Starts {@code n} executors that join {@code driver}; {@code extraArgs.apply(i)} go to the
   * command of the {@code i}th (from 1), which is {@code processes().get(i - 1)}.
   */
  public static LocalExecutors start(
      int n, Endpoint driver, List<String> jvmArgs, IntFunction<List<String>> extraArgs)
      throws IOException {
    LocalExecutors ex = new LocalExecutors(Files.createTempDirectory("swarmcast-executors-"));
    Runtime.getRuntime().addShutdownHook(ex.shutdownHook);
    try {
      for (int i = 1; i <= n; i++) {
        List<String> cmd =
            new ArrayList<>(JavaOpts.childCommand(jvmArgs, SwarmcastCli.class.getName()));
        cmd.add("executor");
        cmd.add("--driver");
        cmd.add(driver.toString());
        cmd.add("--bind");
        cmd.add(driver.host());
        cmd.addAll(extraArgs.apply(i));
        Path log = ex.logDir.resolve("executor-" + i + ".log");
        ex.processes.add(
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
      }
    } catch (IOException | RuntimeException e) {
      ex.close();
      throw e;
    }
    return ex;
  }

  public List<Process> processes() {
    return List.copyOf(processes);
  }

  /** Where each executor's output goes. */
  public Path logDir() {
    return logDir;
  }

  /**
   * Waits until the driver counts {@code n} executors; fails at once, with its log, if one of these
   * processes exits first, and after {@code timeoutSeconds} otherwise.
   */
  public void awaitRegistered(DriverNode driver, int n, long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (driver.executors().size() < n) {
      String failure = firstFailure();
      if (failure != null) {
        throw new IllegalStateException(failure);
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "only "
                + driver.executors().size()
                + " of "
                + n
                + " executors registered within "
                + timeoutSeconds
                + " s; logs in "
                + logDir);
      }
      Thread.sleep(20);
    }
  }

  /** The first process that already exited, with its log's tail, or null if all run. */
  public String firstFailure() {
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      if (!p.isAlive()) {
        String tail;
        try {
          List<String> lines = Files.readAllLines(logDir.resolve("executor-" + (i + 1) + ".log"));
          tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
          tail = "(no log: " + e.getMessage() + ")";
        }
        return "executor process "
            + (i + 1)
            + " (pid "
            + p.pid()
            + ") exited with "
            + p.exitValue()
            + ":\n"
            + tail;
      }
    }
    return null;
  }

  @Override
  public void close() {
    Processes.stop(processes);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // close() is running from the hook itself
    }
  }
}
