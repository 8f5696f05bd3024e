package io.swarmcast.cli;

import io.swarmcast.conf.SwarmConf;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code swarmcast bench}: sweeps factories × executor counts on an emulated cluster (one network
 * namespace per host, links shaped with tc, see {@link NetnsPlan}) or on loopback, running the real
 * driver and executor processes, and writes results.csv, summary.md and time-vs-executors.png.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark broadcasts on an emulated cluster (needs root): one Linux network namespace per host "
        + "(the driver and each executor) on a bridge, every host's link shaped to --rate in both directions with tc. "
        + "For each factory and executor count it runs a real driver and real executors for --reps broadcasts, "
        + "then writes results.csv, summary.md and time-vs-executors.png to --out.",
        "With --loopback: the same on 127.0.0.1, without namespaces or shaping, to measure the software's cost."},
    footer = {"", "Examples:",
        "  swarmcast bench --executors 1,2,4,8,16 --size 128m --rate 100mbit --out bench-out",
        "  swarmcast bench --executors 1,2,4 --size 32m --rate 1gbit --factory torrent",
        "  swarmcast bench --loopback --executors 1,2,4 --size 64m --reps 5"})
final class BenchCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--executors", split = ",", paramLabel = "N[,N...]",
      description = "Executor counts to sweep. Default: 1,2,4,8,16.")
  List<Integer> executors = List.of(1, 2, 4, 8, 16);

  @Option(names = "--size", converter = SizeConverter.class, paramLabel = "SIZE", defaultValue = "128m",
      description = "Bytes per broadcast (k/m/g suffixes). Default: ${DEFAULT-VALUE}.")
  long size;

  @Option(names = "--rate", converter = BenchUnits.RateConverter.class, paramLabel = "RATE",
      description = {"Each host's link rate, each direction, in tc units: 500kbit, 100mbit, 1gbit (100mbit = 100e6 bit/s).",
          "Required unless --loopback; there it only sets the size÷bandwidth reference (else 0)."})
  Long rateBits;

  @Option(names = "--delay", converter = BenchUnits.DelayConverter.class, paramLabel = "DELAY",
      description = "One-way delay between hosts, e.g. 1ms (needs the netem qdisc; not with --loopback).")
  Long delayMicros;

  @Option(names = "--factory", split = ",", paramLabel = "F[,F...]",
      description = "Factories to sweep: torrent, direct. Default: torrent,direct.")
  List<RoundOptions.Factory> factories = List.of(RoundOptions.Factory.torrent, RoundOptions.Factory.direct);

  @Option(names = "--reps", paramLabel = "R", description = "Broadcasts per run. Default: ${DEFAULT-VALUE}.")
  int reps = 3;

  @Option(names = "--warmup", paramLabel = "W",
      description = "Broadcasts of --warmup-size each driver runs first and does not report, so freshly started "
          + "JVMs are measured warm. Default: ${DEFAULT-VALUE}: the JIT is warm after one, but executors still page in "
          + "fresh memory for the pieces throughout the first two large broadcasts (page faults), and not after.")
  int warmup = 2;

  @Option(names = "--warmup-size", converter = SizeConverter.class, paramLabel = "SIZE",
      description = "Size of each warm-up broadcast. Default: --size, so the measured broadcasts do not pay for "
          + "memory the JVMs touch for the first time (the pooled direct buffers pieces land in).")
  Long warmupSize;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out = Path.of("bench-out");

  @Option(names = "--loopback", description = "No namespaces, no shaping: everything on 127.0.0.1.")
  boolean loopback;

  @Option(names = "--block-size", converter = SizeConverter.class, paramLabel = "SIZE", description = "Piece size, passed to the driver.")
  Long blockSize;

  @Option(names = "--compress", paramLabel = "lz4|zstd|none", description = "Codec, passed to the driver.")
  RoundOptions.Codec compress;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", split = ",", description = "Configuration keys for driver and executors.")
  List<String> conf = List.of();

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Limit per run (one factory and executor count, all reps); 0 = from size, rate and executors. Default: 0.")
  long timeoutSeconds;

  @Option(names = "--jvm-opt", paramLabel = "OPT",
      description = "JVM option for the driver and executor processes (repeatable). Default: a fixed heap of "
          + "max(512 MiB, 3 x size + 256 MiB) touched at start (-XX:+AlwaysPreTouch), so first-touch page faults "
          + "fall outside the measured broadcasts; and, because every emulated host shares this machine's few "
          + "cores, the lightest JVM: the C1 compiler only, the serial collector, no perf data.")
  List<String> jvmOpts = List.of();

  @Override
  public Integer call() throws Exception {
    validate();
    System.setProperty("java.awt.headless", "true");
    PrintStream err = System.err;
    long rate = rateBits == null ? 0 : rateBits;
    long delay = delayMicros == null ? 0 : delayMicros;
    String prefix = NetnsPlan.prefixFor(ProcessHandle.current().pid());
    if (!loopback) {
      try {
        NetnsCluster.preflight(prefix, delay > 0);
        NetnsCluster.removeLeftovers(err);
      } catch (NetnsCluster.Unsupported e) {
        err.println("swarmcast bench: " + e.getMessage());
        return 1;
      }
    }
    Files.createDirectories(out);
    BenchCleanup active = new BenchCleanup();
    Thread hook = new Thread(active::interrupted, "swarmcast-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);

    List<Integer> counts = List.copyOf(new LinkedHashSet<>(executors));
    List<RoundOptions.Factory> facs = List.copyOf(new LinkedHashSet<>(factories));
    List<BenchRow> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int total = counts.size() * facs.size();
    int index = 0;
    try {
      for (RoundOptions.Factory factory : facs) {
        for (int n : counts) {
          index++;
          err.printf("[%d/%d] %s x %d executor%s, rep 1..%d%n", index, total, factory, n, n == 1 ? "" : "s", reps);
          String failure = runOne(active, prefix, factory, n, rate, delay, rows);
          if (failure != null) {
            failures.add(factory + " x " + n + ": " + failure);
            err.println("      FAILED: " + failure);
          }
          Files.writeString(out.resolve("results.csv"), csv(rows));
        }
      }
    } finally {
      active.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or ran
      }
    }

    List<BenchSummary.Group> groups = BenchSummary.groups(rows);
    BenchSummary.Setup setup = new BenchSummary.Setup(commandLine(), loopback, size, rate, delay, failures);
    Files.writeString(out.resolve("summary.md"), BenchSummary.markdown(setup, groups));
    try {
      BenchChart.write(out.resolve("time-vs-executors.png"), groups, setup);
    } catch (IOException | RuntimeException | LinkageError e) {
      failures.add("chart: " + e);
      err.println("swarmcast bench: could not draw the chart: " + e);
    }
    System.out.print(BenchSummary.table(groups));
    err.printf("results in %s (results.csv, summary.md, time-vs-executors.png, logs/)%s%n", out,
        failures.isEmpty() ? "" : "; " + failures.size() + " run(s) failed, see summary.md");
    return failures.isEmpty() ? 0 : 1;
  }

  /**
   * The default JVM options of bench processes for values of {@code size} bytes. Up to 17 JVMs share
   * two cores here: C2 compilation and parallel GC threads of each would compete with the data path of
   * all (measured: 16 executors went from 1.49x to 1.26x of size / bandwidth). On real hosts, with a
   * core or more per executor, the JVM defaults are right.
   */
  static List<String> defaultJvmOpts(long size) {
    long heapMiB = Math.max(512, (3 * size >> 20) + 256);
    return List.of("-Xms" + heapMiB + "m", "-Xmx" + heapMiB + "m", "-XX:+AlwaysPreTouch",
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData");
  }

  /** One (factory, executors) run; adds its rows and returns a failure or null. */
  private String runOne(BenchCleanup active, String prefix, RoundOptions.Factory factory, int n, long rate, long delay,
      List<BenchRow> rows) throws InterruptedException {
    BenchRun run = new BenchRun(javaCommand(), out.resolve("logs").resolve(factory + "-" + n), System.err);
    try {
      BenchRun.Launch launch;
      synchronized (active) {
        if (active.stopping) {
          return "interrupted";
        }
        if (loopback) {
          String host = "127.0.0.1";
          launch = new BenchRun.Launch(List.of(), host + ":" + freePort(),
              Collections.nCopies(n, List.of()), Collections.nCopies(n, host));
        } else {
          NetnsPlan plan = new NetnsPlan(prefix, n, rate, delay);
          active.cluster = NetnsCluster.create(plan, System.err);
          launch = new BenchRun.Launch(NetnsPlan.exec(plan.driver(), List.of()), plan.driverEndpoint(),
              plan.executors().stream().map(h -> NetnsPlan.exec(h, List.of())).toList(),
              plan.executors().stream().map(NetnsPlan.Host::ip).toList());
        }
        active.run = run;
      }
      BenchRun.Outcome outcome = run.execute(launch, driverArgs(factory), executorArgs(), rate, timeout(n, rate));
      rows.addAll(outcome.rows());
      if (outcome.failure() != null) {
        run.kill();
        return outcome.failure();
      }
      if (outcome.rows().size() < reps) {
        return "the driver reported " + outcome.rows().size() + " of " + reps + " repetitions";
      }
      return null;
    } catch (IOException e) {
      return e.getMessage();
    } finally {
      run.close();
      synchronized (active) {
        active.run = null;
        if (active.cluster != null) {
          active.cluster.close();
          active.cluster = null;
        }
      }
    }
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (executors.isEmpty() || factories.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "--executors and --factory need at least one value");
    }
    for (int n : executors) {
      if (n < 1 || n > NetnsPlan.MAX_EXECUTORS) {
        throw new CommandLine.ParameterException(cl, "--executors values must be 1.." + NetnsPlan.MAX_EXECUTORS + ": " + n);
      }
    }
    if (warmup < 0) {
      throw new CommandLine.ParameterException(cl, "--warmup must not be negative: " + warmup);
    }
    if (reps < 1) {
      throw new CommandLine.ParameterException(cl, "--reps must be at least 1: " + reps);
    }
    if (warmupSize != null && (warmupSize < 1 || BroadcastRounds.sizeProblem(warmupSize) != null)) {
      throw new CommandLine.ParameterException(cl, "--warmup-size must be 1 byte to 2 GiB: " + warmupSize);
    }
    if (BroadcastRounds.sizeProblem(size) != null) {
      throw new CommandLine.ParameterException(cl, BroadcastRounds.sizeProblem(size));
    }
    if (!loopback && rateBits == null) {
      throw new CommandLine.ParameterException(cl, "--rate is required (e.g. --rate 100mbit), unless --loopback");
    }
    if (loopback && delayMicros != null) {
      throw new CommandLine.ParameterException(cl, "--delay needs the emulated network; it cannot be used with --loopback");
    }
    if (timeoutSeconds < 0) {
      throw new CommandLine.ParameterException(cl, "--timeout must not be negative: " + timeoutSeconds);
    }
    try {
      RoundOptions.applyConf(new SwarmConf(), conf); // fail here, not in 17 processes later
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  private List<String> driverArgs(RoundOptions.Factory factory) {
    List<String> args = new ArrayList<>(List.of("--size", Long.toString(size), "--factory", factory.name(),
        "--reps", Integer.toString(reps), "--warmup", Integer.toString(warmup), "--wait", "120"));
    args.addAll(List.of("--warmup-size", Long.toString(warmupSize != null ? warmupSize : size)));
    if (blockSize != null) {
      args.addAll(List.of("--block-size", Long.toString(blockSize)));
    }
    if (compress != null) {
      args.addAll(List.of("--compress", compress.name()));
    }
    args.addAll(executorArgs());
    return args;
  }

  private List<String> executorArgs() {
    return conf.isEmpty() ? List.of() : List.of("--conf", String.join(",", conf));
  }

  /** java, options, this jar, the main class: the subcommand follows. */
  private List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(LocalExecutors.javaBinary());
    cmd.addAll(jvmOpts.isEmpty() ? defaultJvmOpts(size) : jvmOpts);
    cmd.add("-cp");
    cmd.add(List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
        .map(p -> Path.of(p).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)));
    cmd.add(SwarmcastCli.class.getName());
    return cmd;
  }

  /**
   * Generous: 90 s to start, plus per repetition 30 s and four times what the direct factory needs at
   * best (N copies through the driver's link); on loopback the "link" is taken as 25 MiB/s.
   */
  private long timeout(int n, long rate) {
    if (timeoutSeconds > 0) {
      return timeoutSeconds;
    }
    long largest = warmupSize == null ? size : Math.max(size, warmupSize);
    double oneCopy = !loopback && rate > 0 ? largest * 8.0 / rate : largest / (25.0 * (1 << 20));
    return (long) Math.ceil(90 + (reps + warmup) * (30 + 4 * n * oneCopy));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String csv(List<BenchRow> rows) {
    StringBuilder sb = new StringBuilder(BenchRow.CSV_HEADER).append('\n');
    rows.forEach(r -> sb.append(r.toCsv()).append('\n'));
    return sb.toString();
  }

  /** The command as typed, quoted for a POSIX shell where needed. */
  private String commandLine() {
    List<String> parts = new ArrayList<>(List.of("swarmcast"));
    for (String a : spec.root().commandLine().getParseResult().originalArgs()) {
      parts.add(a.matches("[A-Za-z0-9_./:=,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return String.join(" ", parts);
  }
}
