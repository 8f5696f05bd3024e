package io.swarmcast.cli;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.Endpoint;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.security.SecurityManager;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code swarmcast executor}: join a driver (waiting for it if need be), fetch and serve pieces,
 * and rejoin after a driver restart, until stopped.
 */
@Command(
    name = "executor",
    mixinStandardHelpOptions = true,
    description = {
      "Join a driver and serve until this process is stopped.",
      "Reads the broadcasts the driver asks for, stores their pieces and serves them",
      "to other executors.",
      "Keeps trying while the driver cannot be reached (started later, restarting),",
      "logging every 10 s; when the driver goes away it drops that driver's pieces",
      "and waits for a driver at the same address again.",
      "--conf swarmcast.executor.joinTimeout=30s gives up after that long instead,",
      "with exit status 1."
    })
final class ExecutorCommand implements Callable<Integer> {
  @Option(
      names = "--driver",
      required = true,
      paramLabel = "HOST:PORT",
      description = "The driver to join.")
  String driver;

  @Option(
      names = "--bind",
      paramLabel = "HOST",
      description =
          "Address to serve pieces on, as peers will reach it. Default: ${DEFAULT-VALUE}.")
  String bind = "127.0.0.1";

  @Option(
      names = "--port",
      description = "Port to serve pieces on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Where files sent with `swarmcast send` go, under their own names. Each appears only once "
              + "complete and verified (a link or copy under a hidden name, then renamed): never a partial file under "
              + "its final name. Without --out they are verified and kept only under swarmcast.storage.dir.")
  Path out;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      split = ",",
      description = "Any configuration key.")
  List<String> extra = List.of();

  @Mixin SecurityOptions security;

  @Mixin UiOptions ui;

  @Option(
      names = "--corrupt-uploads",
      description =
          "Fault injection, for demos and tests: flip a bit in every piece this executor sends to others "
              + "(its own copy stays intact). Their checksums fail, so fetchers discard them and, after "
              + "swarmcast.fetch.maxBadPieces, stop asking this executor.")
  boolean corruptUploads;

  @Option(
      names = "--results-file",
      hidden = true,
      paramLabel = "PATH",
      description =
          "Also append each read task's result to this file (ExecutorReport): the demo reads it when it "
              + "killed the driver (demo --kill-driver-after-seeded).")
  Path resultsFile;

  @Override
  public Integer call() throws Exception {
    Endpoint d = Endpoint.parse(driver);
    SwarmConf conf =
        RoundOptions.cliDefaults()
            .set(SwarmConf.DRIVER_HOST, d.host())
            .set(SwarmConf.DRIVER_PORT, Integer.toString(d.port()))
            .set(SwarmConf.EXECUTOR_HOST, bind)
            .set(SwarmConf.EXECUTOR_PORT, Integer.toString(port))
            // A fleet's executors may start before their driver, or outlive a restart of it: wait
            // for it.
            .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "forever");
    if (out != null) {
      // Received files are written beside --out, so placing one there is a link on the same file
      // system, not a copy.
      conf.set(SwarmConf.STORAGE_DIR, out.toAbsolutePath().resolve(".swarmcast").toString());
    }
    ui.apply(security.apply(RoundOptions.applyConf(conf, extra)));
    BroadcastManager manager = new BroadcastManager(false, conf, new SecurityManager(conf));
    ExecutorNode node = (ExecutorNode) BroadcastInternals.node(manager);
    node.setTaskHandler(new ReadTaskHandler(node, resultsFile, out));
    if (corruptUploads) {
      node.setUploadFilter(new CorruptUploads());
    }
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "swarmcast-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    System.err.printf(
        "executor %d serving on %s, joined driver %s%s%n",
        node.executorId(),
        node.endpoint(),
        d,
        corruptUploads ? "; CORRUPTING every piece it uploads (fault injection)" : "");
    UiOptions.announce(node, System.err);
    stop.await();
    manager.stop();
    return 0;
  }
}
