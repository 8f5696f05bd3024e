package io.swarmcast.cli;

import java.util.List;
import java.util.Locale;

/** The outcome of one broadcast to every executor: timing, traffic and verdicts. Immutable. */
record RoundResult(String factory, int rep, int executors, long sizeBytes, double seconds, long driverBytesSent,
    long peerBytesSent, long driverPeakHeapBytes, List<ExecutorResult> perExecutor) {

  /** One executor's part. */
  record ExecutorResult(int id, double seconds, long fromDriverBytes, long fromPeersBytes, boolean verified,
      long peakHeapBytes, String error) {}

  boolean allVerified() {
    return perExecutor.size() == executors && perExecutor.stream().allMatch(ExecutorResult::verified);
  }

  long executorPeakHeapBytes() {
    return perExecutor.stream().mapToLong(ExecutorResult::peakHeapBytes).max().orElse(0);
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
        .append(",\"allVerified\":").append(allVerified())
        .append(",\"perExecutor\":[");
    for (int i = 0; i < perExecutor.size(); i++) {
      ExecutorResult e = perExecutor.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"id\":").append(e.id())
          .append(",\"seconds\":").append(num(e.seconds()))
          .append(",\"fromDriverBytes\":").append(e.fromDriverBytes())
          .append(",\"fromPeersBytes\":").append(e.fromPeersBytes())
          .append(",\"verified\":").append(e.verified());
      if (!e.error().isEmpty()) {
        sb.append(",\"error\":\"").append(escape(e.error())).append('"');
      }
      sb.append('}');
    }
    return sb.append("]}").toString();
  }

  private static String num(double d) {
    return String.format(Locale.ROOT, "%.4f", d);
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
