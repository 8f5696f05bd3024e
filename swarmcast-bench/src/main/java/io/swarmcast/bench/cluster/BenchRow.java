package io.swarmcast.bench.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One repetition of one bench run: what {@code swarmcast driver --json} printed for it, plus the link
 * rate it ran at and how many unreported warm-up broadcasts its cluster ran first. Formats itself as a
 * line of {@code results.csv}. Immutable.
 *
 * @param rateBits the shaped link rate in bit/s; 0 in a loopback run without {@code --rate}
 * @param warmups unreported broadcasts the driver ran before rep 1 ({@code --warmup}); with 0, rep 1 is
 *     the first broadcast of a freshly started cluster
 * @param driverCpuSeconds CPU (user + system, all threads) the driver process used during this
 *     broadcast, as it reported; NaN if unknown
 * @param executorCpuSeconds the same summed over every executor process; NaN if unknown
 */
record BenchRow(String factory, int executors, long sizeBytes, long rateBits, int rep, int warmups, double seconds,
    long driverBytesSent, long peerBytesSent, long driverPeakHeapBytes, long executorPeakHeapBytes,
    double driverCpuSeconds, double executorCpuSeconds, boolean allVerified) {

  static final List<String> COLUMNS = List.of("factory", "executors", "sizeBytes", "rateMbit", "rep",
      "clusterBroadcast", "seconds", "lowerBoundSeconds", "ratio", "driverBytesSent", "peerBytesSent",
      "driverPeakHeapBytes", "executorPeakHeapBytes", "driverCpuSeconds", "cpuSeconds", "cpuSecondsPerGiB");

  static final String CSV_HEADER = String.join(",", COLUMNS);

  private static final double GIB = 1L << 30;

  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\]]+)");

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

  /** This broadcast's number in its freshly started cluster, warm-ups counted: 1 is the cluster's first. */
  int clusterBroadcast() {
    return warmups + rep;
  }

  /** CPU of every process the run started (driver and executors) during this broadcast; NaN if unknown. */
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
    return String.join(",", factory, Integer.toString(executors), Long.toString(sizeBytes),
        BenchUnits.mbit(rateBits), Integer.toString(rep), Integer.toString(clusterBroadcast()), fmt("%.4f", seconds),
        fmt("%.4f", lowerBoundSeconds()), fmt("%.4f", ratio()), Long.toString(driverBytesSent),
        Long.toString(peerBytesSent), Long.toString(driverPeakHeapBytes), Long.toString(executorPeakHeapBytes),
        fmt("%.4f", driverCpuSeconds), fmt("%.4f", cpuSeconds()), fmt("%.4f", cpuSecondsPerGiB()));
  }

  private static String fmt(String format, double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "";
  }

  /**
   * Reads one line of {@code swarmcast driver --json} (the top-level fields; perExecutor is skipped). The
   * CPU fields may be absent (a driver from before they existed) or {@code null}: NaN then.
   *
   * @throws IllegalArgumentException if a field is missing or malformed
   */
  static BenchRow fromDriverJson(String line, long rateBits, int warmups) {
    String json = line.strip();
    if (!json.startsWith("{")) {
      throw new IllegalArgumentException("not a JSON object: " + abbreviate(json));
    }
    int nested = json.indexOf("\"perExecutor\"");
    String top = nested < 0 ? json : json.substring(0, nested);
    Map<String, String> fields = new HashMap<>();
    Matcher m = FIELD.matcher(top);
    while (m.find()) {
      fields.putIfAbsent(m.group(1), m.group(2).strip());
    }
    try {
      return new BenchRow(
          unquote(need(fields, "factory", json)),
          Integer.parseInt(need(fields, "executors", json)),
          Long.parseLong(need(fields, "sizeBytes", json)),
          rateBits,
          Integer.parseInt(need(fields, "rep", json)),
          warmups,
          Double.parseDouble(need(fields, "seconds", json)),
          Long.parseLong(need(fields, "driverBytesSent", json)),
          Long.parseLong(need(fields, "peerBytesSent", json)),
          Long.parseLong(need(fields, "driverPeakHeapBytes", json)),
          Long.parseLong(need(fields, "executorPeakHeapBytes", json)),
          optionalDouble(fields.get("driverCpuSeconds")),
          optionalDouble(fields.get("executorCpuSeconds")),
          Boolean.parseBoolean(need(fields, "allVerified", json)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed number (" + e.getMessage() + ") in: " + abbreviate(json), e);
    }
  }

  private static String need(Map<String, String> fields, String name, String json) {
    String v = fields.get(name);
    if (v == null) {
      throw new IllegalArgumentException("no field '" + name + "' in: " + abbreviate(json));
    }
    return v;
  }

  private static double optionalDouble(String v) {
    return v == null || v.equals("null") ? Double.NaN : Double.parseDouble(v);
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
