package io.swarmcast.bench.cluster;

import io.swarmcast.conf.ByteSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Medians per (factory, executors) over a bench's rows, and {@code summary.md}. Stateless. */
final class BenchSummary {
  private static final double MIB = 1 << 20;

  private BenchSummary() {}

  /** The medians of one (factory, executors) combination's repetitions. */
  record Group(String factory, int executors, long sizeBytes, long rateBits, int reps, int verified,
      double seconds, double driverBytesSent, double peerBytesSent, double driverPeakHeapBytes,
      double executorPeakHeapBytes) {

    double lowerBoundSeconds() {
      return BenchRow.lowerBound(sizeBytes, rateBits);
    }

    /** Median seconds ÷ size÷bandwidth (the same as the median of the ratios); 0 without a rate. */
    double ratio() {
      double lb = lowerBoundSeconds();
      return lb > 0 ? seconds / lb : 0;
    }

    /** What each executor got: size ÷ median seconds, in MiB/s. */
    double mibPerSecondPerExecutor() {
      return seconds > 0 ? sizeBytes / MIB / seconds : 0;
    }

    double driverCopies() {
      return driverBytesSent / sizeBytes;
    }

    double peerCopies() {
      return peerBytesSent / sizeBytes;
    }
  }

  /** How the bench ran, for the text around the table. */
  record Setup(String commandLine, boolean loopback, long sizeBytes, long rateBits, long delayMicros,
      List<String> failures) {}

  /** The median of {@code values}: the middle one, or the mean of the two middle ones; NaN if empty. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  /** One group per (factory, executors), in the order they first appear in {@code rows}. */
  static List<Group> groups(List<BenchRow> rows) {
    Map<String, List<BenchRow>> byKey = new LinkedHashMap<>();
    for (BenchRow r : rows) {
      byKey.computeIfAbsent(r.factory() + "\u0000" + r.executors(), k -> new ArrayList<>()).add(r);
    }
    List<Group> groups = new ArrayList<>();
    for (List<BenchRow> g : byKey.values()) {
      BenchRow first = g.get(0);
      groups.add(new Group(first.factory(), first.executors(), first.sizeBytes(), first.rateBits(), g.size(),
          (int) g.stream().filter(BenchRow::allVerified).count(),
          median(g, BenchRow::seconds), median(g, r -> r.driverBytesSent()), median(g, r -> r.peerBytesSent()),
          median(g, r -> r.driverPeakHeapBytes()), median(g, r -> r.executorPeakHeapBytes())));
    }
    return groups;
  }

  private static double median(List<BenchRow> rows, ToDoubleFunction<BenchRow> f) {
    return median(rows.stream().map(r -> f.applyAsDouble(r)).toList());
  }

  /** The markdown table of {@code groups}, header included. */
  static String table(List<Group> groups) {
    StringBuilder sb = new StringBuilder();
    sb.append("| factory | executors | reps verified | median s | size÷bandwidth s | ratio | driver sent ×size "
        + "| peers sent ×size | MiB/s per executor | driver heap MiB | executor heap MiB |\n");
    sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Group g : groups) {
      sb.append("| ").append(g.factory())
          .append(" | ").append(g.executors())
          .append(" | ").append(g.verified()).append('/').append(g.reps())
          .append(" | ").append(fmt("%.3f", g.seconds()))
          .append(" | ").append(fmt("%.3f", g.lowerBoundSeconds()))
          .append(" | ").append(fmt("%.2f", g.ratio()))
          .append(" | ").append(fmt("%.2f", g.driverCopies()))
          .append(" | ").append(fmt("%.2f", g.peerCopies()))
          .append(" | ").append(fmt("%.1f", g.mibPerSecondPerExecutor()))
          .append(" | ").append(fmt("%.0f", g.driverPeakHeapBytes() / MIB))
          .append(" | ").append(fmt("%.0f", g.executorPeakHeapBytes() / MIB))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** The whole {@code summary.md}. */
  static String markdown(Setup setup, List<Group> groups) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Swarmcast emulated-cluster benchmark\n\n");
    sb.append("Command:\n\n```\n").append(setup.commandLine()).append("\n```\n\n");
    sb.append("- Value: ").append(ByteSize.format(setup.sizeBytes())).append(" (").append(setup.sizeBytes())
        .append(" bytes) of random data per broadcast, verified by an XXH64 digest on every executor.\n");
    if (setup.loopback()) {
      sb.append("- Network: none emulated. Driver and executors are separate JVMs on 127.0.0.1 without shaping, "
          + "so times measure the software (serialization, hashing, copying, scheduling on this machine's "
          + Runtime.getRuntime().availableProcessors() + " cores).\n");
      sb.append(setup.rateBits() > 0
          ? "- `size÷bandwidth` and `ratio` are computed from --rate " + BenchUnits.humanRate(setup.rateBits())
              + " as a reference only: the loopback links were not limited to it.\n"
          : "- No --rate given, so `size÷bandwidth`, `ratio` (and lowerBoundSeconds, ratio, rateMbit in results.csv) are 0.\n");
    } else {
      sb.append("- Network: one Linux network namespace per host on a bridge; every host's link shaped to ")
          .append(BenchUnits.humanRate(setup.rateBits()))
          .append(" in each direction (HTB, one fair class per peer).")
          .append(setup.delayMicros() > 0
              ? " One-way delay " + fmt("%.3f", setup.delayMicros() / 1000.0) + " ms per packet (netem).\n"
              : " No delay added.\n");
      sb.append("- size÷bandwidth = ").append(fmt("%.3f", BenchRow.lowerBound(setup.sizeBytes(), setup.rateBits())))
          .append(" s: the time one copy of the value needs on one link.\n");
    }
    sb.append("- Medians over the repetitions. `ratio` = median seconds ÷ size÷bandwidth (1.0 is the ideal; "
        + "the direct factory sends one copy per executor through the driver's link, so its best is about N). "
        + "`driver sent ×size` and `peers sent ×size`: bytes sent by the driver and by executors to each other, "
        + "in copies of the value. `MiB/s per executor` = size ÷ median seconds.\n\n");
    sb.append(table(groups));
    if (!setup.failures().isEmpty()) {
      sb.append("\n## Failures\n\n");
      for (String f : setup.failures()) {
        sb.append("- ").append(f.replace("\n", "\n  ")).append('\n');
      }
    }
    return sb.toString();
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }
}
