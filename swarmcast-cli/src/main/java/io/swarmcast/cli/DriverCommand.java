package io.swarmcast.cli;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.Endpoint;
import io.swarmcast.security.SecurityManager;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code swarmcast driver}: wait for N executors, then broadcast R random values and time delivery.
 */
@Command(
    name = "driver",
    mixinStandardHelpOptions = true,
    description = {
      "Start a driver, wait until N executors joined, then R times: broadcast a fresh",
      "random value, have every executor read it and verify its XXH64 digest, record",
      "the time until all have it, destroy it.",
      "Exit status 1 if any executor failed to verify."
    })
final class DriverCommand implements Callable<Integer> {
  @Option(
      names = "--bind",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Address executors reach the driver at.")
  String bind;

  @Option(
      names = "--executors",
      required = true,
      paramLabel = "N",
      description = "Executors to wait for.")
  int executors;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      description = "How long to wait for the executors. Default: ${DEFAULT-VALUE}.")
  int waitSeconds = 300;

  @Option(
      names = "--report-seeded",
      hidden = true,
      description =
          "For demo --kill-driver-after-seeded: print {\"listening\":\"HOST:PORT\"} once listening and "
              + "{\"seeded\":ID,\"pieces\":N} once every piece of a reported broadcast is on some executor (SeededReport).")
  boolean reportSeeded;

  @Mixin RoundOptions round;

  @Mixin SecurityOptions security;

  @Mixin UiOptions ui;

  @Override
  public Integer call() throws Exception {
    round.validate(executors);
    Endpoint at = Endpoint.parse(bind);
    SwarmConf conf =
        ui.apply(security.apply(round.conf()))
            .set(SwarmConf.DRIVER_HOST, at.host())
            .set(SwarmConf.DRIVER_PORT, Integer.toString(at.port()));
    SecurityManager checks = new SecurityManager(conf);
    try (BroadcastManager manager = new BroadcastManager(true, conf, checks)) {
      DriverNode node = (DriverNode) BroadcastInternals.node(manager);
      System.err.printf(
          "driver listening on %s; waiting for %d executors%s%n",
          node.endpoint(), executors, SecurityOptions.describe(checks));
      UiOptions.announce(node, System.err);
      if (reportSeeded) {
        System.out.println(listeningLine(node.endpoint()));
        System.out.flush();
      }
      node.awaitExecutors(executors, waitSeconds, TimeUnit.SECONDS);
      return report(
          manager,
          round,
          round.factory.name(),
          ExecutorFaults.none(),
          reportSeeded ? SeededReport.to(System.out) : SeededReport.off());
    }
  }

  /** The {@code --report-seeded} line that says where the driver listens, as the demo reads it. */
  static String listeningLine(Endpoint at) {
    return JsonLine.write(Map.of("listening", at.toString()));
  }

  /** Runs the rounds and prints them; 0 if every executor verified every value. */
  static int report(BroadcastManager manager, RoundOptions round, String factory) throws Exception {
    return report(manager, round, factory, ExecutorFaults.none());
  }

  /**
   * As {@link #report(BroadcastManager, RoundOptions, String)}, injecting {@code faults} into the
   * reported rounds.
   */
  static int report(
      BroadcastManager manager, RoundOptions round, String factory, ExecutorFaults faults)
      throws Exception {
    return report(manager, round, factory, faults, SeededReport.off());
  }

  /**
   * As {@link #report(BroadcastManager, RoundOptions, String, ExecutorFaults)}, reporting each
   * broadcast once seeded.
   */
  static int report(
      BroadcastManager manager,
      RoundOptions round,
      String factory,
      ExecutorFaults faults,
      SeededReport seeded)
      throws Exception {
    if (round.warmup > 0) {
      long warmupSize =
          round.warmupSize != null ? round.warmupSize : Math.min(round.size, 32L << 20);
      new BroadcastRounds(manager, factory, System.err)
          .run(
              warmupSize,
              round.warmup,
              -round.seed,
              r ->
                  System.err.printf(
                      Locale.ROOT,
                      "warm-up %d: %.3f s, %s%n",
                      r.rep(),
                      r.seconds(),
                      r.allVerified() ? "verified" : "NOT verified"));
    }
    Consumer<RoundResult> print =
        r -> {
          if (round.json) {
            System.out.println(r.toJson());
            System.out.flush();
          }
          BroadcastRounds.printTable(round.human(), r);
        };
    List<RoundResult> results =
        round.files
            ? new FileBroadcastRounds(manager, factory, System.err)
                .run(round.size, round.reps, round.seed, print)
            : new BroadcastRounds(manager, factory, System.err, faults, seeded)
                .run(round.size, round.reps, round.seed, print);
    return results.stream().allMatch(RoundResult::allVerified) ? 0 : 1;
  }
}
