package io.swarmcast.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The engine of {@code swarmcast bench --spark}: for each executor count, a fresh emulated cluster
 * (network namespaces and shaped links, {@link NetnsPlan}; or loopback) with a Spark standalone
 * cluster in it ({@link SparkRun}), and one Spark application that times {@code sc.broadcast}
 * (factory {@code spark-torrent}) and {@code SwarmcastSpark.broadcast} ({@code swarmcast})
 * alternately, in the same run. Writes results.csv, summary.md (with the speed-up per executor
 * count) and time-vs-executors.png like {@link ClusterBench}. Stops every process it started and
 * removes every namespace it made, on failure and on Ctrl-C too. Not thread-safe.
 */
public final class SparkBench {
  static final String SPARK = "spark-torrent";
  static final String SWARMCAST = "swarmcast";

  /** With {@code --files}: {@code sc.addFile} against {@code SwarmcastSpark.addFile}. */
  static final String SPARK_FILES = "spark-addFile";

  static final String SWARMCAST_FILES = "swarmcast-addFile";

  private final BenchSettings settings;
  private final Path sparkJars;
  private final Path pluginJar;
  private final Path benchJar;
  private final List<String> jvmOpts;

  /**
   * @param sparkJars a directory of Spark's jars (as under a Spark distribution's {@code jars/})
   * @param pluginJar swarmcast-spark's shaded jar
   * @param benchJar swarmcast-spark's {@code -bench} jar: the side-by-side application, submitted
   *     next to the plugin
   */
  public SparkBench(BenchSettings settings, Path sparkJars, Path pluginJar, Path benchJar) {
    this.settings = settings;
    this.sparkJars = sparkJars.toAbsolutePath();
    this.pluginJar = pluginJar.toAbsolutePath();
    this.benchJar = benchJar.toAbsolutePath();
    // As a Spark user's JVMs run: Spark's defaults, not the swarmcast wrapper's options, and a heap
    // (what spark-submit --driver-memory sets) for the value, Spark's blocks of it and Swarmcast's
    // pieces.
    this.jvmOpts =
        !settings.jvmOpts().isEmpty()
            ? settings.jvmOpts()
            : settings.factories().contains(SPARK_FILES)
                ? driverHeap(0)
                : driverHeap(settings.sizeBytes());
  }

  /**
   * Runs the sweep; 0 if every run reported every repetition verified, 1 otherwise (reasons on
   * {@code err}).
   */
  public int run(PrintStream out, PrintStream err) throws IOException, InterruptedException {
    if (!Files.isDirectory(sparkJars)
        || !Files.isRegularFile(pluginJar)
        || !Files.isRegularFile(benchJar)) {
      err.println(
          "swarmcast bench --spark: needs Spark's jars ("
              + sparkJars
              + "), the plugin jar ("
              + pluginJar
              + ") and the side-by-side application's jar ("
              + benchJar
              + "); build them with: mvn -B -pl swarmcast-spark -am package -DskipTests");
      return 1;
    }
    System.setProperty("java.awt.headless", "true");
    String prefix = NetnsPlan.prefixFor(ProcessHandle.current().pid());
    if (!settings.loopback() && !NetnsCluster.prepare(prefix, settings.delayMicros() > 0, err)) {
      return 1;
    }
    Path dir = settings.out();
    Files.createDirectories(dir);
    Path sparkHome = sparkHome(dir);
    String scalaVersion = scalaVersion();
    BenchCleanup active = BenchCleanup.onShutdown();
    List<BenchRow> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    err.println(
        "JVM options of the Spark driver (executors: the same without the heap, which Spark sets): "
            + String.join(" ", jvmOpts));
    try {
      for (int n : List.copyOf(new LinkedHashSet<>(settings.executors()))) {
        err.printf(
            "[spark] %d executor%s, %d rep%s of %s, alternating%n",
            n,
            n == 1 ? "" : "s",
            settings.reps(),
            settings.reps() == 1 ? "" : "s",
            files()
                ? "sc.addFile and SwarmcastSpark.addFile"
                : "sc.broadcast and SwarmcastSpark.broadcast");
        String failure = runOne(active, prefix, sparkHome, scalaVersion, n, err, rows);
        if (failure != null) {
          failures.add(n + " executors: " + failure);
          err.println("      FAILED: " + failure);
        }
        Files.writeString(dir.resolve("results.csv"), csv(rows));
      }
    } finally {
      active.close();
    }
    List<BenchSummary.Group> groups = BenchSummary.groups(rows);
    BenchSummary.Setup setup =
        new BenchSummary.Setup(
            settings.commandLine(),
            settings.loopback(),
            settings.sizeBytes(),
            settings.rateBits(),
            settings.delayMicros(),
            jvmOpts,
            0,
            null,
            failures,
            0,
            0);
    Files.writeString(dir.resolve("summary.md"), SparkSummary.markdown(setup, groups));
    try {
      BenchChart.write(dir.resolve("time-vs-executors.png"), groups, setup);
    } catch (IOException | RuntimeException | LinkageError e) {
      failures.add("chart: " + e);
      err.println("swarmcast bench: could not draw the chart: " + e);
    }
    out.print(BenchSummary.table(groups));
    out.print(SparkSummary.speedups(groups));
    err.printf(
        "results in %s (results.csv, summary.md, time-vs-executors.png, logs/)%s%n",
        dir, failures.isEmpty() ? "" : "; " + failures.size() + " run(s) failed, see summary.md");
    boolean allVerified = rows.stream().allMatch(BenchRow::allVerified);
    return failures.isEmpty() && allVerified ? 0 : 1;
  }

  private String runOne(
      BenchCleanup active,
      String prefix,
      Path sparkHome,
      String scalaVersion,
      int n,
      PrintStream err,
      List<BenchRow> rows)
      throws InterruptedException {
    SparkRun run =
        new SparkRun(
            sparkHome,
            scalaVersion,
            pluginJar,
            benchJar,
            jvmOpts,
            settings.conf(),
            settings.out().resolve("logs").resolve("spark-" + n));
    try {
      NetnsPlan plan =
          settings.loopback()
              ? null
              : new NetnsPlan(
                  prefix,
                  n,
                  settings.rateBits(),
                  settings.driverRateBits() > 0 ? settings.driverRateBits() : settings.rateBits(),
                  settings.delayMicros());
      if (!active.begin(run, plan, err)) {
        return "interrupted";
      }
      SparkRun.Hosts hosts =
          plan == null
              ? new SparkRun.Hosts(
                  List.of(),
                  "127.0.0.1",
                  Collections.nCopies(n, List.of()),
                  Collections.nCopies(n, "127.0.0.1"))
              : new SparkRun.Hosts(
                  plan.driverExec(), plan.driver().ip(), plan.executorExecs(), plan.executorIps());
      List<String> lines =
          run.execute(
              hosts, settings.sizeBytes(), settings.reps(), executorMemory(), timeout(n), files());
      int before = rows.size();
      for (String line : lines) {
        BenchRow r = BenchRow.fromDriverJson(line, settings.rateBits(), 0);
        rows.add(r);
        err.printf(
            Locale.ROOT,
            "      rep %d %-13s %.3f s%s%s%n",
            r.rep(),
            r.factory(),
            r.seconds(),
            r.ratio() > 0 ? String.format(Locale.ROOT, " (%.2f x size÷bandwidth)", r.ratio()) : "",
            r.allVerified() ? "" : "  NOT VERIFIED");
      }
      int expected = 2 * settings.reps();
      return rows.size() - before < expected
          ? "the application reported " + (rows.size() - before) + " of " + expected + " broadcasts"
          : null;
    } catch (IOException | IllegalArgumentException e) {
      return e.getMessage();
    } finally {
      run.close();
      active.end();
    }
  }

  /** Whether this sweep compares files ({@code --files}) rather than values. */
  private boolean files() {
    return settings.factories().contains(SPARK_FILES);
  }

  static List<String> driverHeap(long size) {
    long mib = Math.max(1024, (3 * size >> 20) + 512);
    return List.of("-Xms" + mib + "m", "-Xmx" + mib + "m");
  }

  /**
   * Each executor holds the value twice over (Spark's blocks and its value, Swarmcast's pieces and
   * its value).
   */
  private String executorMemory() {
    if (files()) {
      return "1024m"; // a file is never on the heap, with either
    }
    long mib = Math.max(1024, (5 * settings.sizeBytes() >> 20) + 512);
    return mib + "m";
  }

  /**
   * 180 s to start a Spark cluster on a small machine, then per broadcast 30 s and four copies
   * through one link.
   */
  private long timeout(int n) {
    if (settings.timeoutSeconds() > 0) {
      return settings.timeoutSeconds();
    }
    double oneCopy =
        !settings.loopback() && settings.rateBits() > 0
            ? settings.sizeBytes() * 8.0 / settings.rateBits()
            : settings.sizeBytes() / (25.0 * (1 << 20));
    return (long) Math.ceil(180 + 2 * settings.reps() * (30 + 4 * n * oneCopy));
  }

  /**
   * A SPARK_HOME without a download: {@code jars/} pointing at Spark's jars, and the RELEASE file
   * Spark looks for.
   */
  private Path sparkHome(Path dir) throws IOException {
    Path home = Files.createDirectories(dir.resolve("spark-home"));
    Path jars = home.resolve("jars");
    if (Files.isSymbolicLink(jars) || Files.exists(jars)) {
      Files.delete(jars);
    }
    Files.createSymbolicLink(jars, sparkJars);
    Path release = home.resolve("RELEASE");
    if (!Files.exists(release)) {
      Files.writeString(
          release, "Spark jars from " + sparkJars + ", for swarmcast bench --spark\n");
    }
    return home.toAbsolutePath();
  }

  /**
   * The Scala binary version of Spark's jars, from its scala-library jar's name (2.12 unless it
   * says otherwise).
   */
  private String scalaVersion() throws IOException {
    try (Stream<Path> jars = Files.list(sparkJars)) {
      return jars.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("scala-library-2\\.1[0-9]\\..*\\.jar"))
          .map(n -> n.substring("scala-library-".length(), "scala-library-2.1x".length()))
          .findFirst()
          .orElse("2.12");
    }
  }

  private static String csv(List<BenchRow> rows) {
    StringBuilder sb = new StringBuilder(BenchRow.CSV_HEADER).append('\n');
    rows.forEach(r -> sb.append(r.toCsv()).append('\n'));
    return sb.toString();
  }
}
