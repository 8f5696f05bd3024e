package io.swarmcast.cli;

import io.swarmcast.bench.cluster.JavaOpts;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.security.SecurityManager;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code swarmcast demo}: a driver in this process and N executor processes on 127.0.0.1. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run a whole cluster on this machine: the driver in this process, N executor JVMs on 127.0.0.1.",
        "Broadcasts random values, has every executor verify them, prints time and traffic per executor,",
        "then stops the executors. Exit status 1 if any executor failed to verify."})
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--executors", paramLabel = "N", description = "Executor processes to start. Default: ${DEFAULT-VALUE}.")
  int executors = 4;

  @Mixin
  RoundOptions round;

  @Override
  public Integer call() throws Exception {
    round.validate(executors);
    SwarmConf conf = round.conf()
        .set(SwarmConf.DRIVER_HOST, "127.0.0.1")
        .set(SwarmConf.DRIVER_PORT, "0");
    try (BroadcastManager manager = new BroadcastManager(true, conf, new SecurityManager(conf))) {
      DriverNode node = (DriverNode) manager.node();
      System.err.printf("driver on %s; starting %d executor processes%n", node.endpoint(), executors);
      List<String> passOn = round.extra.isEmpty() ? List.of() : List.of("--conf", String.join(",", round.extra));
      try (LocalExecutors local = LocalExecutors.start(executors, node.endpoint(), JavaOpts.fromEnvironment(), passOn)) {
        local.awaitRegistered(node, executors, 120);
        return DriverCommand.report(manager, round, round.factory.name());
      }
    }
  }
}
