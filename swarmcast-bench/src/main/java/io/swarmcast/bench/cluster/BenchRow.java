package io.swarmcast.bench.cluster;

import io.swarmcast.cli.JsonLine;
import io.swarmcast.cli.LinkUnits;
import java.util.List;
import java.util.Locale;

/**
 * One repetition of one bench run: what {@code swarmcast driver --json} printed for it, plus the
 * link rate it ran at and how many unreported warm-up broadcasts its cluster ran first. Formats
 * itself as a line of {@code results.csv}. Immutable.
 *
 * @param rateBits the shaped link rate in bit/s; 0 in a loopback run without {@code --rate}
 * @param warmups unreported broadcasts the driver ran before rep 1 ({@code --warmup}); with 0, rep
 *     1 is the first broadcast of a freshly started cluster
 * @param driverCpuSeconds CPU (user + system, all threads) the driver process used during this
 *     broadcast, as it reported; NaN if unknown
 * @param executorCpuSeconds the same summed over every executor process; NaN if unknown
 * @param seededSeconds from the broadcast's start until every piece was on some executor; NaN if
 *     unknown
 */
record BenchRow(
    String factory,
    int executors,
    long sizeBytes,
    long rateBits,
    int rep,
    int warmups,
    double seconds,
    long driverBytesSent,
    long peerBytesSent,
    long driverPeakHeapBytes,
    long executorPeakHeapBytes,
    double driverCpuSeconds,
    double executorCpuSeconds,
    boolean allVerified,
    double seededSeconds) {

  /** A row without a seeded time (NaN): Spark's rows, and drivers from before it was reported. */
  BenchRow(
      String factory,
      int executors,
      long sizeBytes,
      long rateBits,
      int rep,
      int warmups,
      double seconds,
      long driverBytesSent,
      long peerBytesSent,
      long driverPeakHeapBytes,
      long executorPeakHeapBytes,
      double driverCpuSeconds,
      double executorCpuSeconds,
      boolean allVerified) {
    this(
        factory,
        executors,
        sizeBytes,
        rateBits,
        rep,
        warmups,
        seconds,
        driverBytesSent,
        peerBytesSent,
        driverPeakHeapBytes,
        executorPeakHeapBytes,
        driverCpuSeconds,
        executorCpuSeconds,
        allVerified,
        Double.NaN);
  }

  static final List<String> COLUMNS =
      List.of(
          "factory",
          "executors",
          "sizeBytes",
          "rateMbit",
          "rep",
          "clusterBroadcast",
          "seconds",
          "lowerBoundSeconds",
          "ratio",
          "driverBytesSent",
          "peerBytesSent",
          "driverPeakHeapBytes",
          "executorPeakHeapBytes",
          "driverCpuSeconds",
          "cpuSeconds",
          "cpuSecondsPerGiB",
          "seededSeconds");

  static final String CSV_HEADER = String.join(",", COLUMNS);

  private static final double GIB = 1L << 30;

  /** size ÷ bandwidth: the time one copy of the value needs on one link; 0 without a rate. */
  double lowerBoundSeconds() {
    return lowerBound(sizeBytes, rateBits);
  }

  static double lowerBound(long sizeBytes, long rateBits) {
    return rateBits > 0 ? sizeBytes * 8.0 / rateBits : 0;
  }

  /** seconds ÷ lower bound (1.0 would be perfect); 0 without a rate. */
  double ratio() {
    double lb = lowerBoundSeconds();
    return lb > 0 ? seconds / lb : 0;
  }

  /**
   * This broadcast's number in its freshly started cluster, warm-ups counted: 1 is the cluster's
   * first.
   */
  int clusterBroadcast() {
    return warmups + rep;
  }

  /**
   * CPU of every process the run started (driver and executors) during this broadcast; NaN if
   * unknown.
   */
  double cpuSeconds() {
    return driverCpuSeconds + executorCpuSeconds;
  }

  /** {@link #cpuSeconds} per GiB delivered to executors (size × executors); NaN if unknown. */
  double cpuSecondsPerGiB() {
    return cpuSecondsPerGiB(cpuSeconds(), sizeBytes, executors);
  }

  static double cpuSecondsPerGiB(double cpuSeconds, long sizeBytes, int executors) {
    return cpuSeconds / (sizeBytes * (double) executors / GIB);
  }

  /** This row in {@link #COLUMNS} order; an unknown CPU figure is an empty field. */
  String toCsv() {
    return String.join(
        ",",
        factory,
        Integer.toString(executors),
        Long.toString(sizeBytes),
        LinkUnits.mbit(rateBits),
        Integer.toString(rep),
        Integer.toString(clusterBroadcast()),
        fmt("%.4f", seconds),
        fmt("%.4f", lowerBoundSeconds()),
        fmt("%.4f", ratio()),
        Long.toString(driverBytesSent),
        Long.toString(peerBytesSent),
        Long.toString(driverPeakHeapBytes),
        Long.toString(executorPeakHeapBytes),
        fmt("%.4f", driverCpuSeconds),
        fmt("%.4f", cpuSeconds()),
        fmt("%.4f", cpuSecondsPerGiB()),
        fmt("%.4f", seededSeconds));
  }

  private static String fmt(String format, double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "";
  }

  /**
   * Reads one line of {@code swarmcast driver --json} (the top-level fields; perExecutor is not
   * read). The CPU fields may be absent (a driver from before they existed) or {@code null}: NaN
   * then.
   *
   * @throws IllegalArgumentException if the line is not a JSON object, or a field is missing or
   *     malformed
   */
  static BenchRow fromDriverJson(String line, long rateBits, int warmups) {
    JsonLine json = JsonLine.parse(line);
    return new BenchRow(
        json.text("factory"),
        json.wholeInt("executors"),
        json.whole("sizeBytes"),
        rateBits,
        json.wholeInt("rep"),
        warmups,
        json.number("seconds"),
        json.whole("driverBytesSent"),
        json.whole("peerBytesSent"),
        json.whole("driverPeakHeapBytes"),
        json.whole("executorPeakHeapBytes"),
        json.numberOrNaN("driverCpuSeconds"),
        json.numberOrNaN("executorCpuSeconds"),
        json.flag("allVerified"),
        json.numberOrNaN("seededSeconds"));
  }
}
