package io.swarmcast.bench.cluster;

import io.swarmcast.cli.LinkUnits;
import io.swarmcast.conf.ByteSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Per (factory, executors) over a bench's rows — the first broadcast of the fresh cluster on its
 * own, medians of the rest and of all — and {@code summary.md}. Stateless.
 */
final class BenchSummary {
  private static final double MIB = 1 << 20;

  private BenchSummary() {}

  /**
   * One (factory, executors) combination's repetitions. Seconds and CPU come three ways: {@code
   * first}, the broadcast with {@link BenchRow#clusterBroadcast()} 1 (NaN if warm-ups ran, so none
   * was reported); {@code rest}, the median of the later ones (NaN if there are none); and the
   * median of all.
   *
   * @param cpuSeconds median CPU of all processes per broadcast ({@link BenchRow#cpuSeconds()})
   * @param runCpuSeconds CPU of all the run's processes over the whole run, JVM start-up included,
   *     from /proc; NaN if unknown
   */
  record Group(
      String factory,
      int executors,
      long sizeBytes,
      long rateBits,
      int reps,
      int verified,
      double seconds,
      double firstSeconds,
      double restSeconds,
      double driverBytesSent,
      double peerBytesSent,
      double driverPeakHeapBytes,
      double executorPeakHeapBytes,
      double cpuSeconds,
      double firstCpuSeconds,
      double restCpuSeconds,
      double runCpuSeconds) {

    double lowerBoundSeconds() {
      return BenchRow.lowerBound(sizeBytes, rateBits);
    }

    /** Median seconds ÷ size÷bandwidth (the same as the median of the ratios); 0 without a rate. */
    double ratio() {
      return ratio(seconds);
    }

    /** {@code s} ÷ size÷bandwidth; 0 without a rate, NaN if {@code s} is. */
    double ratio(double s) {
      double lb = lowerBoundSeconds();
      return lb > 0 || Double.isNaN(s) ? s / lb : 0;
    }

    /** What each executor got: size ÷ median seconds, in MiB/s. */
    double mibPerSecondPerExecutor() {
      return mibPerSecond(seconds);
    }

    /** size ÷ {@code s}, in MiB/s. */
    double mibPerSecond(double s) {
      return s > 0 ? sizeBytes / MIB / s : 0;
    }

    /** {@code cpu} seconds per GiB delivered to executors. */
    double perGiB(double cpu) {
      return BenchRow.cpuSecondsPerGiB(cpu, sizeBytes, executors);
    }

    double driverCopies() {
      return driverBytesSent / sizeBytes;
    }

    double peerCopies() {
      return peerBytesSent / sizeBytes;
    }
  }

  /**
   * How the bench ran, for the text around the tables.
   *
   * @param jvmOpts the options every driver and executor JVM ran with
   * @param warmup unreported broadcasts before the first reported one
   * @param ceiling the loopback TCP ceiling measured in this run, or null
   */
  record Setup(
      String commandLine,
      boolean loopback,
      long sizeBytes,
      long rateBits,
      long delayMicros,
      List<String> jvmOpts,
      int warmup,
      CeilingRun.Result ceiling,
      List<String> failures,
      int slowExecutors,
      long slowRateBits) {}

  /**
   * The median of {@code values}: the middle one, or the mean of the two middle ones; NaN if empty.
   */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** The key of a (factory, executors) combination in {@code runCpu} maps. */
  static String key(String factory, int executors) {
    return factory + "\u0000" + executors;
  }

  /**
   * One group per (factory, executors), in the order they first appear in {@code rows}; no run CPU.
   */
  static List<Group> groups(List<BenchRow> rows) {
    return groups(rows, Map.of());
  }

  /**
   * One group per (factory, executors), in the order they first appear in {@code rows}.
   *
   * @param runCpu CPU seconds of each run's processes by {@link #key}
   */
  static List<Group> groups(List<BenchRow> rows, Map<String, Double> runCpu) {
    Map<String, List<BenchRow>> byKey = new LinkedHashMap<>();
    for (BenchRow r : rows) {
      byKey.computeIfAbsent(key(r.factory(), r.executors()), k -> new ArrayList<>()).add(r);
    }
    List<Group> groups = new ArrayList<>();
    for (Map.Entry<String, List<BenchRow>> e : byKey.entrySet()) {
      List<BenchRow> g = e.getValue();
      List<BenchRow> first = g.stream().filter(r -> r.clusterBroadcast() == 1).toList();
      List<BenchRow> rest = g.stream().filter(r -> r.clusterBroadcast() > 1).toList();
      BenchRow any = g.get(0);
      groups.add(
          new Group(
              any.factory(),
              any.executors(),
              any.sizeBytes(),
              any.rateBits(),
              g.size(),
              (int) g.stream().filter(BenchRow::allVerified).count(),
              median(g, BenchRow::seconds),
              median(first, BenchRow::seconds),
              median(rest, BenchRow::seconds),
              median(g, r -> r.driverBytesSent()),
              median(g, r -> r.peerBytesSent()),
              median(g, r -> r.driverPeakHeapBytes()),
              median(g, r -> r.executorPeakHeapBytes()),
              median(g, BenchRow::cpuSeconds),
              median(first, BenchRow::cpuSeconds),
              median(rest, BenchRow::cpuSeconds),
              runCpu.getOrDefault(e.getKey(), Double.NaN)));
    }
    return groups;
  }

  /**
   * The median of {@code f} over {@code rows}, skipping NaN (unknown) values; NaN if none is left.
   */
  private static double median(List<BenchRow> rows, ToDoubleFunction<BenchRow> f) {
    return median(rows.stream().map(r -> f.applyAsDouble(r)).filter(d -> !d.isNaN()).toList());
  }

  /**
   * The two markdown tables of {@code groups} (time; traffic, memory and CPU), headers included.
   */
  static String table(List<Group> groups) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| factory | executors | reps verified | size÷bandwidth s | first s | first ratio | rest median s "
            + "| rest ratio | all median s | all ratio | MiB/s per executor |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Group g : groups) {
      sb.append("| ")
          .append(g.factory())
          .append(" | ")
          .append(g.executors())
          .append(" | ")
          .append(g.verified())
          .append('/')
          .append(g.reps())
          .append(" | ")
          .append(fmt("%.3f", g.lowerBoundSeconds()))
          .append(" | ")
          .append(fmt("%.3f", g.firstSeconds()))
          .append(" | ")
          .append(fmt("%.2f", g.ratio(g.firstSeconds())))
          .append(" | ")
          .append(fmt("%.3f", g.restSeconds()))
          .append(" | ")
          .append(fmt("%.2f", g.ratio(g.restSeconds())))
          .append(" | ")
          .append(fmt("%.3f", g.seconds()))
          .append(" | ")
          .append(fmt("%.2f", g.ratio()))
          .append(" | ")
          .append(fmt("%.1f", g.mibPerSecondPerExecutor()))
          .append(" |\n");
    }
    sb.append('\n');
    sb.append(
        "| factory | executors | driver sent ×size | peers sent ×size | driver heap MiB | executor heap MiB "
            + "| CPU s/GiB first | CPU s/GiB rest median | CPU s/GiB all median | CPU s all median | CPU s whole run |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Group g : groups) {
      sb.append("| ")
          .append(g.factory())
          .append(" | ")
          .append(g.executors())
          .append(" | ")
          .append(fmt("%.2f", g.driverCopies()))
          .append(" | ")
          .append(fmt("%.2f", g.peerCopies()))
          .append(" | ")
          .append(fmt("%.0f", g.driverPeakHeapBytes() / MIB))
          .append(" | ")
          .append(fmt("%.0f", g.executorPeakHeapBytes() / MIB))
          .append(" | ")
          .append(fmt("%.3f", g.perGiB(g.firstCpuSeconds())))
          .append(" | ")
          .append(fmt("%.3f", g.perGiB(g.restCpuSeconds())))
          .append(" | ")
          .append(fmt("%.3f", g.perGiB(g.cpuSeconds())))
          .append(" | ")
          .append(fmt("%.3f", g.cpuSeconds()))
          .append(" | ")
          .append(fmt("%.2f", g.runCpuSeconds()))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** Each one-executor group's first and median broadcast as a share of the loopback ceiling. */
  static String ceilingTable(List<Group> groups, CeilingRun.Result ceiling) {
    double top = ceiling.medianMiBps();
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| factory | executors | size | first MiB/s | first, fraction of ceiling | all median MiB/s "
            + "| all median, fraction of ceiling |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|\n");
    for (Group g : groups) {
      if (g.executors() != 1) {
        continue;
      }
      double first = g.mibPerSecond(g.firstSeconds());
      double all = g.mibPerSecondPerExecutor();
      sb.append("| ")
          .append(g.factory())
          .append(" | 1 | ")
          .append(ByteSize.format(g.sizeBytes()))
          .append(" | ")
          .append(Double.isNaN(g.firstSeconds()) ? "—" : fmt("%.1f", first))
          .append(" | ")
          .append(Double.isNaN(g.firstSeconds()) ? "—" : fmt("%.0f %%", 100 * first / top))
          .append(" | ")
          .append(fmt("%.1f", all))
          .append(" | ")
          .append(fmt("%.0f %%", 100 * all / top))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** The whole {@code summary.md}. */
  static String markdown(Setup setup, List<Group> groups) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Swarmcast emulated-cluster benchmark\n\n");
    sb.append("Command:\n\n```\n").append(setup.commandLine()).append("\n```\n\n");
    sb.append("- Value: ")
        .append(ByteSize.format(setup.sizeBytes()))
        .append(" (")
        .append(setup.sizeBytes())
        .append(
            " bytes) of random data per broadcast, verified by an XXH64 digest on every executor.\n");
    sb.append("- Processes: every run starts a fresh driver and fresh executors, each a JVM with `")
        .append(String.join(" ", setup.jvmOpts()))
        .append("`. ")
        .append(
            setup.warmup() == 0
                ? "No warm-up: `first` is the first broadcast of the freshly started cluster, `rest` the ones after it.\n"
                : setup.warmup()
                    + " unreported warm-up broadcast"
                    + (setup.warmup() == 1 ? "" : "s")
                    + " (--warmup) ran first, so no first broadcast of a fresh cluster is reported (`first` is —).\n");
    if (setup.loopback()) {
      sb.append(
          "- Network: none emulated. Driver and executors are separate JVMs on 127.0.0.1 without shaping, "
              + "so times measure the software (serialization, hashing, copying, scheduling on this machine's "
              + Runtime.getRuntime().availableProcessors()
              + " cores).\n");
      sb.append(
          setup.rateBits() > 0
              ? "- `size÷bandwidth` and `ratio` are computed from --rate "
                  + LinkUnits.humanRate(setup.rateBits())
                  + " as a reference only: the loopback links were not limited to it.\n"
              : "- No --rate given, so `size÷bandwidth`, `ratio` (and lowerBoundSeconds, ratio, rateMbit in results.csv) are 0.\n");
    } else {
      sb.append(
              "- Network: one Linux network namespace per host on a bridge; every host's link shaped to ")
          .append(LinkUnits.humanRate(setup.rateBits()))
          .append(" in each direction (HTB, one fair class per peer).")
          .append(
              setup.slowExecutors() > 0
                  ? " The last "
                      + setup.slowExecutors()
                      + " executors' links at "
                      + LinkUnits.humanRate(setup.slowRateBits())
                      + ": `seconds` and `ratio` are the last executor's, a slow one's; each"
                      + " executor's own time is in the driver's log (logs/)."
                  : "")
          .append(
              setup.delayMicros() > 0
                  ? " One-way delay "
                      + fmt("%.3f", setup.delayMicros() / 1000.0)
                      + " ms per packet (netem).\n"
                  : " No delay added.\n");
      sb.append("- size÷bandwidth = ")
          .append(fmt("%.3f", BenchRow.lowerBound(setup.sizeBytes(), setup.rateBits())))
          .append(" s: the time one copy of the value needs on one link.\n");
    }
    sb.append(
        "- `ratio` = seconds ÷ size÷bandwidth (1.0 is the ideal; "
            + "the direct factory sends one copy per executor through the driver's link, so its best is about N). "
            + "`driver sent ×size` and `peers sent ×size`: bytes sent by the driver and by executors to each other, "
            + "in copies of the value (medians). `MiB/s per executor` = size ÷ all median seconds.\n");
    sb.append(
        "- CPU: user + system time of the driver and every executor process (all threads), each sampled by "
            + "the process itself just before the broadcast starts and just after the last executor has the value. "
            + "`CPU s/GiB` = that ÷ GiB delivered to executors (size × executors). `CPU s whole run`: the same "
            + "processes over the whole run from /proc/<pid>/stat, JVM start-up and the pauses between broadcasts "
            + "included (processes.csv has each one).\n\n");
    sb.append(table(groups));
    CeilingRun.Result ceiling = setup.ceiling();
    if (ceiling != null) {
      sb.append("\n## Loopback ceiling\n\n");
      sb.append("Plain TCP over 127.0.0.1 in the same run: one JVM (same options) sends ")
          .append(ByteSize.format(ceiling.bytes()))
          .append(
              " to another over one connection, timed from accept to "
                  + "the last byte (`TcpCeiling`, ceiling.csv). Median of ")
          .append(ceiling.seconds().size())
          .append(": **")
          .append(fmt("%.0f", ceiling.medianMiBps()))
          .append(" MiB/s** (repetitions: ")
          .append(String.join(", ", ceiling.seconds().stream().map(d -> fmt("%.3f s", d)).toList()))
          .append(").\n\n");
      if (groups.stream().anyMatch(g -> g.executors() == 1)) {
        sb.append(ceilingTable(groups, ceiling));
      } else {
        sb.append("No run with 1 executor, so no fraction of the ceiling.\n");
      }
    }
    if (!setup.failures().isEmpty()) {
      sb.append("\n## Failures\n\n");
      for (String f : setup.failures()) {
        sb.append("- ").append(f.replace("\n", "\n  ")).append('\n');
      }
    }
    return sb.toString();
  }

  /** {@code v} formatted, or — if it is unknown (NaN). */
  private static String fmt(String format, double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, format, v);
  }
}
