package io.swarmcast.bench.cluster;

import io.swarmcast.cli.JavaOpts;
import io.swarmcast.conf.ByteSize;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine of {@code swarmcast bench}: sweeps factories × executor counts on an emulated cluster
 * (one network namespace per host, links shaped with tc, see {@link NetnsPlan}) or on loopback.
 * Each run starts a real driver and real executors as separate JVMs ({@link BenchRun}) through the
 * command line named by {@link BenchSettings#mainClass()}, so the engine drives that command by its
 * arguments and its {@code --json} output only. The processes get the JVM options a user's {@code
 * swarmcast} processes get ({@link JavaOpts}) and a heap size, nothing else, unless {@code
 * --jvm-opt} says otherwise. On loopback it first measures the plain TCP ceiling ({@link
 * TcpCeiling}). Writes results.csv and processes.csv after every run, then summary.md and
 * time-vs-executors.png. Stops every process it started and removes every namespace it made, on
 * failure and on Ctrl-C too (a shutdown hook). One sweep per {@link #run} call; not thread-safe.
 */
public final class ClusterBench {
  /**
   * The largest executor count of one run: the emulated cluster's /24 has room for 250 executors.
   */
  public static final int MAX_EXECUTORS = NetnsPlan.MAX_EXECUTORS;

  /** Repetitions of the loopback ceiling's transfer. */
  static final int CEILING_REPS = 3;

  private final BenchSettings settings;

  /**
   * The options of every driver and executor JVM: {@code --jvm-opt}, or the user's plus a heap
   * size.
   */
  private final List<String> jvmOpts;

  private final long ticksPerSecond = ProcStat.ticksPerSecond();

  public ClusterBench(BenchSettings settings) {
    this.settings = settings;
    this.jvmOpts =
        settings.jvmOpts().isEmpty()
            // Files: exactly what the wrapper gives `send` and `executor --out`; a file is never on
            // the heap, so no heap size either, as a user passes none.
            ? settings.files()
                ? JavaOpts.forFiles(System.getenv())
                : defaultJvmOpts(JavaOpts.fromEnvironment(), settings.sizeBytes())
            : settings.jvmOpts();
  }

  /**
   * Runs the sweep, reporting progress on {@code err} and the table of medians on {@code out}.
   *
   * @return 0 if every run reported every repetition, 1 if one failed or the machine cannot run the
   *     emulated cluster (the reason on {@code err} and in summary.md)
   */
  public int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
    System.setProperty("java.awt.headless", "true");
    String prefix = NetnsPlan.prefixFor(ProcessHandle.current().pid());
    if (!settings.loopback() && !NetnsCluster.prepare(prefix, settings.delayMicros() > 0, err)) {
      return 1;
    }
    Path dir = settings.out();
    Files.createDirectories(dir);
    BenchCleanup active = BenchCleanup.onShutdown();

    List<Integer> counts = List.copyOf(new LinkedHashSet<>(settings.executors()));
    List<String> facs = List.copyOf(new LinkedHashSet<>(settings.factories()));
    List<BenchRow> rows = new ArrayList<>();
    List<String> processLines =
        new ArrayList<>(List.of("factory,executors,process,pid,cpuSeconds,peakRssMiB"));
    Map<String, Double> runCpu = new HashMap<>();
    List<String> failures = new ArrayList<>();
    int total = counts.size() * facs.size();
    int index = 0;
    err.println("JVM options of every driver and executor: " + String.join(" ", jvmOpts));
    CeilingRun.Result ceiling = null;
    try {
      if (settings.loopback() && settings.ceilingBytes() > 0) {
        ceiling = measureCeiling(dir, err, failures);
      }
      for (String factory : facs) {
        for (int n : counts) {
          index++;
          err.printf(
              "[%d/%d] %s x %d executor%s, rep 1..%d%n",
              index, total, factory, n, n == 1 ? "" : "s", settings.reps());
          List<BenchRun.ProcessCpu> cpu = new ArrayList<>();
          String failure = runOne(active, prefix, factory, n, err, rows, cpu);
          if (failure != null) {
            failures.add(factory + " x " + n + ": " + failure);
            err.println("      FAILED: " + failure);
          }
          for (BenchRun.ProcessCpu p : cpu) {
            processLines.add(
                String.join(
                    ",",
                    factory,
                    Integer.toString(n),
                    p.process(),
                    Long.toString(p.pid()),
                    Double.isNaN(p.cpuSeconds())
                        ? ""
                        : String.format(Locale.ROOT, "%.2f", p.cpuSeconds()),
                    p.peakRssBytes() < 0 ? "" : Long.toString(p.peakRssBytes() >> 20)));
          }
          runCpu.put(
              BenchSummary.key(factory, n),
              cpu.isEmpty()
                  ? Double.NaN
                  : cpu.stream().mapToDouble(BenchRun.ProcessCpu::cpuSeconds).sum());
          Files.writeString(dir.resolve("results.csv"), csv(rows));
          Files.writeString(dir.resolve("processes.csv"), String.join("\n", processLines) + "\n");
        }
      }
    } finally {
      active.close();
    }

    List<BenchSummary.Group> groups = BenchSummary.groups(rows, runCpu);
    BenchSummary.Setup setup =
        new BenchSummary.Setup(
            settings.commandLine(),
            settings.loopback(),
            settings.sizeBytes(),
            settings.rateBits(),
            settings.delayMicros(),
            jvmOpts,
            settings.warmup(),
            ceiling,
            failures,
            settings.slowExecutors(),
            settings.slowRateBits());
    Files.writeString(dir.resolve("summary.md"), BenchSummary.markdown(setup, groups));
    try {
      BenchChart.write(dir.resolve("time-vs-executors.png"), groups, setup);
    } catch (IOException | RuntimeException | LinkageError e) {
      failures.add("chart: " + e);
      err.println("swarmcast bench: could not draw the chart: " + e);
    }
    out.print(BenchSummary.table(groups));
    if (ceiling != null && groups.stream().anyMatch(g -> g.executors() == 1)) {
      out.printf(Locale.ROOT, "%nloopback TCP ceiling: %.0f MiB/s%n", ceiling.medianMiBps());
      out.print(BenchSummary.ceilingTable(groups, ceiling));
    }
    err.printf(
        "results in %s (results.csv, processes.csv, %ssummary.md, time-vs-executors.png, logs/)%s%n",
        dir,
        ceiling != null ? "ceiling.csv, " : "",
        failures.isEmpty() ? "" : "; " + failures.size() + " run(s) failed, see summary.md");
    return failures.isEmpty() ? 0 : 1;
  }

  /**
   * The default JVM options of bench processes for values of {@code size} bytes: exactly what a
   * user's {@code swarmcast driver} and {@code swarmcast executor} get from the wrapper ({@code
   * userOpts}, see {@link JavaOpts}), then a heap of max(512 MiB, 3 x size + 256 MiB) — the one
   * thing the bench sets, so that 17 JVMs on one machine neither run out of heap nor each take a
   * quarter of its memory. Last, so it wins over a heap size in {@code userOpts}. Nothing else: no
   * pre-touched heap, no C1-only JIT, no serial collector, since a user has none of these (issue
   * 12).
   */
  static List<String> defaultJvmOpts(List<String> userOpts, long size) {
    long heapMiB = Math.max(512, (3 * size >> 20) + 256);
    List<String> opts = new ArrayList<>(userOpts);
    opts.addAll(List.of("-Xms" + heapMiB + "m", "-Xmx" + heapMiB + "m"));
    return List.copyOf(opts);
  }

  /**
   * The loopback ceiling, written to ceiling.csv; null (and a failure noted) if it could not be
   * measured.
   */
  private CeilingRun.Result measureCeiling(Path dir, PrintStream err, List<String> failures)
      throws IOException, InterruptedException {
    err.printf(
        "[ceiling] plain TCP over 127.0.0.1, %d x %s%n",
        CEILING_REPS, ByteSize.format(settings.ceilingBytes()));
    try {
      CeilingRun.Result r =
          CeilingRun.measure(
              javaCommand(null), settings.ceilingBytes(), CEILING_REPS, dir.resolve("logs"));
      Files.writeString(dir.resolve("ceiling.csv"), r.csv());
      err.printf(Locale.ROOT, "      %.0f MiB/s (median)%n", r.medianMiBps());
      return r;
    } catch (IOException e) {
      failures.add("loopback ceiling: " + e.getMessage());
      err.println("      FAILED: " + e.getMessage());
      return null;
    }
  }

  /** One (factory, executors) run; adds its rows and returns a failure or null. */
  private String runOne(
      BenchCleanup active,
      String prefix,
      String factory,
      int n,
      PrintStream err,
      List<BenchRow> rows,
      List<BenchRun.ProcessCpu> cpu)
      throws InterruptedException {
    BenchRun run =
        new BenchRun(
            javaCommand(settings.mainClass()),
            settings.out().resolve("logs").resolve(factory + "-" + n),
            err,
            ticksPerSecond);
    try {
      NetnsPlan plan =
          settings.loopback()
              ? null
              : new NetnsPlan(
                  prefix,
                  n,
                  settings.rateBits(),
                  settings.driverRateBits() > 0 ? settings.driverRateBits() : settings.rateBits(),
                  settings.delayMicros(),
                  settings.slowExecutors(),
                  settings.slowRateBits());
      if (!active.begin(run, plan, err)) {
        return "interrupted";
      }
      BenchRun.Launch launch =
          plan == null
              ? new BenchRun.Launch(
                  List.of(),
                  "127.0.0.1:" + freePort(),
                  Collections.nCopies(n, List.of()),
                  Collections.nCopies(n, "127.0.0.1"))
              : new BenchRun.Launch(
                  plan.driverExec(),
                  plan.driverEndpoint(),
                  plan.executorExecs(),
                  plan.executorIps());
      BenchRun.Outcome outcome =
          run.execute(
              launch,
              driverArgs(factory),
              executorArgs(),
              settings.rateBits(),
              settings.warmup(),
              timeout(n));
      rows.addAll(outcome.rows());
      cpu.addAll(outcome.processes());
      if (outcome.failure() != null) {
        run.kill();
        return outcome.failure();
      }
      if (outcome.rows().size() < settings.reps()) {
        return "the driver reported "
            + outcome.rows().size()
            + " of "
            + settings.reps()
            + " repetitions";
      }
      return null;
    } catch (IOException e) {
      return e.getMessage();
    } finally {
      run.close();
      active.end();
    }
  }

  private List<String> driverArgs(String factory) {
    long size = settings.sizeBytes();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--size",
                Long.toString(size),
                "--factory",
                factory,
                "--reps",
                Integer.toString(settings.reps()),
                "--warmup",
                Integer.toString(settings.warmup()),
                "--wait",
                "120"));
    Long warmupSize = settings.warmupSizeBytes();
    args.addAll(
        List.of(
            "--warmup-size",
            Long.toString(
                warmupSize != null
                    ? warmupSize
                    : settings.files() ? Math.min(size, 64L << 20) : size)));
    if (settings.blockSizeBytes() != null) {
      args.addAll(List.of("--block-size", Long.toString(settings.blockSizeBytes())));
    }
    if (settings.compress() != null) {
      args.addAll(List.of("--compress", settings.compress()));
    }
    if (settings.files()) {
      args.add("--files");
    }
    args.addAll(executorArgs());
    return args;
  }

  private List<String> executorArgs() {
    return settings.conf().isEmpty()
        ? List.of()
        : List.of("--conf", String.join(",", settings.conf()));
  }

  /**
   * java, options, this JVM's classpath, then {@code mainClass} unless null: the arguments follow.
   */
  private List<String> javaCommand(String mainClass) {
    return JavaOpts.childCommand(jvmOpts, mainClass);
  }

  /**
   * Generous: 90 s to start, plus per repetition 30 s and four times what the direct factory needs
   * at best (N copies through the driver's link); on loopback the "link" is taken as 25 MiB/s.
   */
  private long timeout(int n) {
    if (settings.timeoutSeconds() > 0) {
      return settings.timeoutSeconds();
    }
    long size = settings.sizeBytes();
    long largest =
        settings.warmupSizeBytes() == null ? size : Math.max(size, settings.warmupSizeBytes());
    long rate = settings.rateBits();
    double oneCopy =
        !settings.loopback() && rate > 0 ? largest * 8.0 / rate : largest / (25.0 * (1 << 20));
    return (long) Math.ceil(90 + (settings.reps() + settings.warmup()) * (30 + 4 * n * oneCopy));
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
}
