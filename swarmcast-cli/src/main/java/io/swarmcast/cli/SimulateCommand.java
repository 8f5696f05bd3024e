package io.swarmcast.cli;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.sim.Scenario;
import io.swarmcast.sim.SimReport;
import io.swarmcast.sim.SimResult;
import io.swarmcast.sim.Simulation;
import io.swarmcast.sim.Validation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code swarmcast simulate}: a swarm of thousands in one JVM, with the nodes' own scheduler and
 * tracker.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate one broadcast to many executors in virtual time: the nodes' own fetch",
      "scheduler, tracker and upload policy decide, over a modelled network (per-host",
      "upload and download capacity, latency, fair sharing per connection, every",
      "control message at its encoded size).",
      "Writes results.csv, summary.md, finish-cdf.png, driver-link.png, progress.csv",
      "and progress.png (pieces the driver sent and the executors hold, over time)",
      "to --out.",
      "How far the model is from the emulated cluster: docs/scaling.md."
    },
    footer = {
      "",
      "Examples:",
      "  swarmcast simulate --executors 10000 --size 128m --rate 10gbit --out sim-out",
      "  # a tenth of the executors on links ten times slower",
      "  swarmcast simulate --executors 1000 --size 1g --rate 10gbit --slow-fraction .1",
      "  swarmcast simulate --executors 2,4,8,16 --size 128m --rate 100mbit --out small"
    })
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--executors",
      split = ",",
      paramLabel = "N[,N...]",
      description = "Executor counts, one run each. Default: 100.")
  List<Integer> executors = List.of(100);

  @Option(
      names = "--size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      defaultValue = "128m",
      description = "Bytes per broadcast (k/m/g suffixes). Default: ${DEFAULT-VALUE}.")
  long size;

  @Option(
      names = "--rate",
      converter = LinkUnits.RateConverter.class,
      paramLabel = "RATE",
      defaultValue = "10gbit",
      description =
          "Every host's link, each way, in tc units (100mbit, 10gbit). Default: ${DEFAULT-VALUE}.")
  long rateBits;

  @Option(
      names = "--driver-rate",
      converter = LinkUnits.RateConverter.class,
      paramLabel = "RATE",
      description = "The driver's link, each way. Default: --rate.")
  Long driverRateBits;

  @Option(
      names = "--latency",
      converter = LinkUnits.DelayConverter.class,
      paramLabel = "DELAY",
      defaultValue = "50us",
      description =
          "One-way latency from each host to the switch (a path crosses two). Default: ${DEFAULT-VALUE}.")
  long latencyMicros;

  @Option(
      names = "--slow-fraction",
      paramLabel = "F",
      defaultValue = "0",
      description = "Share of executors on slow links. Default: ${DEFAULT-VALUE}.")
  double slowFraction;

  @Option(
      names = "--slow-factor",
      paramLabel = "X",
      defaultValue = "10",
      description = "How many times slower their links are. Default: ${DEFAULT-VALUE}.")
  double slowFactor;

  @Option(
      names = "--stripes",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "K > 0: the design under evaluation, K stripe trees (piece i in stripe i %% K; each executor takes a stripe from one parent, asking ahead for its next pieces, and forwards one stripe to at most K children; a stripe whose parent is lost or falls behind comes from any holder). Real nodes do not speak it yet. Use with --conf swarmcast.fetch.maxPerPeer=2. 0: the nodes' mesh. docs/scaling.md, \"Stripe trees\". Default: ${DEFAULT-VALUE}.")
  int stripes;

  @Option(
      names = "--slow-declared",
      description =
          "With --stripes: the slow executors say so when they register, and the tracker makes them leaves of every stripe tree. Without it they are placed as any other, and their children open a stripe that falls behind.")
  boolean slowDeclared;

  @Option(
      names = "--kill-fraction",
      paramLabel = "F",
      defaultValue = "0",
      description = "Share of executors that die mid-broadcast. Default: ${DEFAULT-VALUE}.")
  double killFraction;

  @Option(
      names = "--kill-at",
      paramLabel = "T",
      defaultValue = "0.5",
      description = "When they die, × size÷bandwidth. Default: ${DEFAULT-VALUE}.")
  double killAt;

  @Option(
      names = "--late-fraction",
      paramLabel = "F",
      defaultValue = "0",
      description = "Share of executors that join late. Default: ${DEFAULT-VALUE}.")
  double lateFraction;

  @Option(
      names = "--late-at",
      paramLabel = "T",
      defaultValue = "0.5",
      description = "When they join, × size÷bandwidth. Default: ${DEFAULT-VALUE}.")
  double lateAt;

  @Option(
      names = "--driver-dies-when-seeded",
      description = "The driver's process ends once every piece is on some executor.")
  boolean driverDies;

  @Option(
      names = "--efficiency",
      paramLabel = "E",
      defaultValue = "" + Scenario.DEFAULT_EFFICIENCY,
      description =
          "Share of a link's rate a transfer's payload gets (calibrated on the emulated cluster). Default: ${DEFAULT-VALUE}.")
  double efficiency;

  @Option(
      names = "--socket-window",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description =
          "Unsent bytes of a connection at which a piece's write completes. Default: 64 KiB + max(128 KiB, --rate × 4 × --latency).")
  Long socketWindow;

  @Option(
      names = "--shared-window",
      description =
          "A host's connections share one socket window (64 KiB each at "
              + "least) instead of having one each: the other bound on how TCP shares a host that sends on hundreds of "
              + "connections at once (docs/scaling.md).")
  boolean sharedWindow;

  @Option(
      names = "--seeds",
      paramLabel = "S[,S...]",
      split = ",",
      description = "Random seeds, one run each. Default: 1.")
  List<Long> seeds = List.of(1L);

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      split = ",",
      description =
          "Node configuration (piece sizes, fetch limits, upload slots), as for driver and executor.")
  List<String> conf = List.of();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out = Path.of("sim-out");

  @Option(
      names = "--compare",
      paramLabel = "RESULTS_CSV",
      description = {
        "Check the model: simulate every torrent shape (executors, size, rate) of a `swarmcast bench` "
            + "results.csv and write validation.md comparing the measured median of the later broadcasts, and the "
            + "driver's share of the bytes, with the simulation. --executors, --size and --rate come from the file."
      })
  Path compare;

  @Override
  public Integer call() throws Exception {
    SwarmConf swarmConf = new SwarmConf();
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--conf takes KEY=VALUE, not '" + kv + "'");
      }
      swarmConf.set(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    for (int n : executors) {
      if (n < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--executors must be at least 1: " + n);
      }
    }
    if (compare != null) {
      return compare(swarmConf);
    }
    List<Scenario> runs = new ArrayList<>();
    for (int n : executors) {
      for (long seed : seeds) {
        runs.add(configure(Scenario.of(n, size, rateBits), swarmConf, seed));
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    List<SimResult> results = new ArrayList<>();
    for (Scenario s : runs) {
      SimResult r;
      try (Progress bar = Progress.percent(System.err, "simulate " + s.executors())) {
        r = new Simulation(s).onProgress(bar::fraction).run();
      }
      results.add(r);
      w.printf(
          Locale.ROOT,
          "%d executors, seed %d: last %.3f, p50 %.3f, p99 %.3f × size÷bandwidth; driver sent %.3f copies "
              + "and %.2f %% control; at most %d connections per executor; %d failed, %d killed; %.1f s%n",
          s.executors(),
          s.seed(),
          r.lastRatio(),
          r.p50Ratio(),
          r.p99Ratio(),
          r.driverCopies(),
          100 * r.driverControlShare(),
          r.maxConnections(),
          r.failed() + r.unfinished(),
          r.killed(),
          r.wallSeconds());
      w.flush();
    }
    SimReport.write(out, commandLine(), results);
    w.println(
        "wrote "
            + out.resolve("results.csv")
            + ", summary.md, finish-cdf.png, driver-link.png, progress.csv, progress.png");
    return 0;
  }

  /** Every option but the shape's applied to {@code s}. */
  private Scenario configure(Scenario s, SwarmConf swarmConf, long seed) {
    s =
        s.withConf(swarmConf)
            .withSeed(seed)
            .withLatency(latencyMicros * 1000)
            .withEfficiency(efficiency)
            .withSlow(slowFraction, slowFactor)
            .withKills(killFraction, killAt)
            .withLateJoiners(lateFraction, lateAt)
            .withDriverDyingWhenSeeded(driverDies)
            .withStripes(stripes)
            .withSlowDeclared(slowDeclared)
            .withSharedWindow(sharedWindow);
    if (driverRateBits != null) {
      s = s.withDriverRate(driverRateBits);
    }
    if (socketWindow != null) {
      s = s.withSocketWindow(socketWindow);
    }
    return s;
  }

  private int compare(SwarmConf swarmConf) throws IOException {
    if (!Files.isRegularFile(compare)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--compare: no such file: " + compare);
    }
    List<Validation.Row> rows =
        Validation.compare(compare, s -> configure(s, swarmConf, seeds.get(0)));
    String table = Validation.table(rows);
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("validation.md"),
        "# The simulator against the emulated cluster\n\nCommand:\n\n```\n"
            + commandLine()
            + "\n```\n\nMeasured: "
            + compare
            + ". Times are × size÷bandwidth; `error` is simulated ÷ measured "
            + "later median − 1; the driver share is the driver's part of all piece bytes delivered.\n\n"
            + table);
    PrintWriter w = spec.commandLine().getOut();
    w.print(table);
    w.println("wrote " + out.resolve("validation.md"));
    return 0;
  }

  private String commandLine() {
    return "swarmcast " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
  }
}
