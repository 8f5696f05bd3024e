package io.swarmcast.cli;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one broadcast to every executor: timing, traffic, CPU and verdicts. Immutable.
 *
 * @param driverCpuSeconds CPU the driver process used during the round (all threads, user + system), NaN if unknown
 */
record RoundResult(String factory, int rep, int executors, long sizeBytes, double seconds, long driverBytesSent,
    long peerBytesSent, long driverPeakHeapBytes, double driverCpuSeconds, List<ExecutorResult> perExecutor) {

  /**
   * One executor's part.
   *
   * @param cpuSeconds CPU the executor process used during the round, NaN if unknown
   */
  record ExecutorResult(int id, double seconds, long fromDriverBytes, long fromPeersBytes, boolean verified,
      long peakHeapBytes, double cpuSeconds, String error) {}

  boolean allVerified() {
    return perExecutor.size() == executors && perExecutor.stream().allMatch(ExecutorResult::verified);
  }

  long executorPeakHeapBytes() {
    return perExecutor.stream().mapToLong(ExecutorResult::peakHeapBytes).max().orElse(0);
  }

  /** CPU of all executor processes during the round; NaN if any is unknown. */
  double executorCpuSeconds() {
    return perExecutor.size() == executors ? perExecutor.stream().mapToDouble(ExecutorResult::cpuSeconds).sum() : Double.NaN;
  }

  /** One line of JSON with the fields the README documents. */
  String toJson() {
    StringBuilder sb = new StringBuilder(256 + 160 * perExecutor.size());
    sb.append("{\"factory\":\"").append(factory).append('"')
        .append(",\"rep\":").append(rep)
        .append(",\"executors\":").append(executors)
        .append(",\"sizeBytes\":").append(sizeBytes)
        .append(",\"seconds\":").append(num(seconds))
        .append(",\"driverBytesSent\":").append(driverBytesSent)
        .append(",\"peerBytesSent\":").append(peerBytesSent)
        .append(",\"driverPeakHeapBytes\":").append(driverPeakHeapBytes)
        .append(",\"executorPeakHeapBytes\":").append(executorPeakHeapBytes())
        .append(",\"driverCpuSeconds\":").append(num(driverCpuSeconds))
        .append(",\"executorCpuSeconds\":").append(num(executorCpuSeconds()))
        .append(",\"allVerified\":").append(allVerified())
        .append(",\"perExecutor\":[");
    for (int i = 0; i < perExecutor.size(); i++) {
      ExecutorResult e = perExecutor.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"id\":").append(e.id())
          .append(",\"seconds\":").append(num(e.seconds()))
          .append(",\"fromDriverBytes\":").append(e.fromDriverBytes())
          .append(",\"fromPeersBytes\":").append(e.fromPeersBytes())
          .append(",\"cpuSeconds\":").append(num(e.cpuSeconds()))
          .append(",\"verified\":").append(e.verified());
      if (!e.error().isEmpty()) {
        sb.append(",\"error\":\"").append(escape(e.error())).append('"');
      }
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  /** Four decimals; {@code null} for NaN (unknown), which JSON has no number for. */
  private static String num(double d) {
    return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "null";
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
