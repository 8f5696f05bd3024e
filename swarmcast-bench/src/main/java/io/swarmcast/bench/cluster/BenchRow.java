package io.swarmcast.bench.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One repetition of one bench run: what {@code swarmcast driver --json} printed for it, plus the link
 * rate it ran at. Formats itself as a line of {@code results.csv}. Immutable.
 *
 * @param rateBits the shaped link rate in bit/s; 0 in a loopback run without {@code --rate}
 */
record BenchRow(String factory, int executors, long sizeBytes, long rateBits, int rep, double seconds,
    long driverBytesSent, long peerBytesSent, long driverPeakHeapBytes, long executorPeakHeapBytes,
    boolean allVerified) {

  static final List<String> COLUMNS = List.of("factory", "executors", "sizeBytes", "rateMbit", "rep", "seconds",
      "lowerBoundSeconds", "ratio", "driverBytesSent", "peerBytesSent", "driverPeakHeapBytes", "executorPeakHeapBytes");

  static final String CSV_HEADER = String.join(",", COLUMNS);

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

  /** This row in {@link #COLUMNS} order. */
  String toCsv() {
    return String.join(",", factory, Integer.toString(executors), Long.toString(sizeBytes),
        BenchUnits.mbit(rateBits), Integer.toString(rep), fmt("%.4f", seconds), fmt("%.4f", lowerBoundSeconds()),
        fmt("%.4f", ratio()), Long.toString(driverBytesSent), Long.toString(peerBytesSent),
        Long.toString(driverPeakHeapBytes), Long.toString(executorPeakHeapBytes));
  }

  private static String fmt(String format, double v) {
    return String.format(Locale.ROOT, format, v);
  }

  /**
   * Reads one line of {@code swarmcast driver --json} (the top-level fields; perExecutor is skipped).
   *
   * @throws IllegalArgumentException if a field is missing or malformed
   */
  static BenchRow fromDriverJson(String line, long rateBits) {
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
          Double.parseDouble(need(fields, "seconds", json)),
          Long.parseLong(need(fields, "driverBytesSent", json)),
          Long.parseLong(need(fields, "peerBytesSent", json)),
          Long.parseLong(need(fields, "driverPeakHeapBytes", json)),
          Long.parseLong(need(fields, "executorPeakHeapBytes", json)),
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

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
