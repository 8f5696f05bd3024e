package io.swarmcast.cli;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.security.SecurityManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code swarmcast demo}: a driver in this process and N executor processes on 127.0.0.1. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run a whole cluster on this machine: the driver in this process, N executor",
      "JVMs on 127.0.0.1.",
      "Broadcasts random values, has every executor verify them, prints time and",
      "traffic per executor, then stops the executors. Exit status 1 if any executor",
      "failed to verify (killed ones do not count).",
      "--kill-executors, --corrupt-executors and --kill-driver-after-seeded inject",
      "faults to show what the swarm survives."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--executors",
      paramLabel = "N",
      description = "Executor processes to start. Default: ${DEFAULT-VALUE}.")
  int executors = 4;

  @Option(
      names = "--kill-executors",
      paramLabel = "K",
      description = {
        "Fault injection: SIGKILL K executor processes while the first broadcast's pieces move, each once "
            + "it holds a random 10-80 %% of them. The others must still verify; later broadcasts go to the survivors. "
            + "Default: ${DEFAULT-VALUE}."
      })
  int kill;

  @Option(
      names = "--corrupt-executors",
      paramLabel = "K",
      description = {
        "Fault injection: K executors flip a bit in every piece they send to others (executor "
            + "--corrupt-uploads). Every executor must still verify. Default: ${DEFAULT-VALUE}."
      })
  int corrupt;

  @Option(
      names = "--kill-driver-after-seeded",
      description = {
        "Fault injection: run the driver in a child process and SIGKILL it as soon as every piece of the "
            + "broadcast is on some executor. The executors must finish with each other and verify; they report to "
            + "this process through files, not through the dead driver. One broadcast (--reps 1), torrent factory, "
            + "not with --kill-executors or --corrupt-executors."
      })
  boolean killDriver;

  @Option(
      names = "--secure",
      description = {
        "Run with a fresh random shared secret (in an owner-only temporary file, handed to the executors "
            + "as --secret-file) and self-signed TLS: every connection authenticated and encrypted."
      })
  boolean secure;

  @Mixin RoundOptions round;

  @Mixin SecurityOptions security;

  @Mixin UiOptions ui;

  @Override
  public Integer call() throws Exception {
    round.validate(executors);
    String faultProblem = faultProblem(executors, kill, corrupt);
    if (faultProblem != null) {
      throw new IllegalArgumentException(faultProblem);
    }
    if (round.files && (kill > 0 || corrupt > 0 || killDriver)) {
      throw new IllegalArgumentException(
          "--files runs file broadcasts without fault injection: leave out --kill-executors, "
              + "--corrupt-executors and --kill-driver-after-seeded");
    }
    if (secure && (security.secretFile != null || security.tlsEnabled())) {
      throw new IllegalArgumentException(
          "--secure makes its own secret and certificates: use it without --secret-file "
              + "and the --tls options (--tls-provider aside)");
    }
    Path secureDir = secure ? SecurityOptions.secureDir() : null;
    try {
      SecurityOptions sec =
          secure ? SecurityOptions.secure(secureDir, security.provider) : security;
      return run(sec);
    } finally {
      if (secureDir != null) {
        SecurityOptions.deleteSecureDir(secureDir);
      }
    }
  }

  private int run(SecurityOptions sec) throws Exception {
    if (killDriver) {
      String problem = DriverKillDemo.problem(round, kill, corrupt);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return new DriverKillDemo(
              executors, round, sec.args(), JavaOpts.fromEnvironment(), System.err)
          .run();
    }
    SwarmConf conf =
        ui.apply(sec.apply(round.conf()))
            .set(SwarmConf.DRIVER_HOST, "127.0.0.1")
            .set(SwarmConf.DRIVER_PORT, "0");
    SecurityManager checks = new SecurityManager(conf);
    try (BroadcastManager manager = new BroadcastManager(true, conf, checks)) {
      DriverNode node = (DriverNode) BroadcastInternals.node(manager);
      System.err.printf(
          "driver on %s; starting %d executor processes%s%n",
          node.endpoint(), executors, SecurityOptions.describe(checks));
      UiOptions.announce(node, System.err);
      List<String> passOn = new ArrayList<>(sec.args());
      if (!round.extra.isEmpty()) {
        passOn.addAll(List.of("--conf", String.join(",", round.extra)));
      }
      // The first `corrupt` processes corrupt their uploads; ExecutorFaults finds their executor
      // ids. File rounds: the executors get what the wrapper gives `executor --out` (C2 for the
      // JDK's SHA-256).
      try (LocalExecutors local =
          LocalExecutors.start(
              executors,
              node.endpoint(),
              round.files ? JavaOpts.forFiles(System.getenv()) : JavaOpts.fromEnvironment(),
              i -> i <= corrupt ? concat(passOn, "--corrupt-uploads") : passOn)) {
        local.awaitRegistered(node, executors, 120);
        ExecutorFaults faults =
            ExecutorFaults.plan(node, local.processes(), corrupt, kill, round.seed, System.err);
        return DriverCommand.report(manager, round, round.factory.name(), faults);
      }
    }
  }

  /** Why the fault options cannot be honoured, or null: someone must be left to verify. */
  static String faultProblem(int executors, int kill, int corrupt) {
    if (kill < 0 || corrupt < 0) {
      return "--kill-executors and --corrupt-executors must not be negative: "
          + kill
          + ", "
          + corrupt;
    }
    if (kill + corrupt >= executors) {
      return "--kill-executors "
          + kill
          + " plus --corrupt-executors "
          + corrupt
          + " must leave at least one of the "
          + executors
          + " executors neither killed nor corrupting";
    }
    return null;
  }

  private static List<String> concat(List<String> args, String arg) {
    List<String> all = new ArrayList<>(args);
    all.add(arg);
    return all;
  }
}
