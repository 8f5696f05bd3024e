package io.swarmcast.cli;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one broadcast to every executor: timing, traffic, CPU and verdicts. Immutable.
 *
 * @param driverCpuSeconds CPU the driver process used during the round (all threads, user + system), NaN if unknown
 * @param driverKill how the driver was killed during the round ({@code demo --kill-driver-after-seeded}); null if it was not
 */
record RoundResult(String factory, int rep, int executors, long sizeBytes, double seconds, long driverBytesSent,
    long peerBytesSent, long driverPeakHeapBytes, double driverCpuSeconds, List<ExecutorResult> perExecutor,
    DriverKill driverKill) {

  /** A round whose driver lived through it. */
  RoundResult(String factory, int rep, int executors, long sizeBytes, double seconds, long driverBytesSent,
      long peerBytesSent, long driverPeakHeapBytes, double driverCpuSeconds, List<ExecutorResult> perExecutor) {
    this(factory, rep, executors, sizeBytes, seconds, driverBytesSent, peerBytesSent, driverPeakHeapBytes, driverCpuSeconds,
        perExecutor, null);
  }

  /**
   * The driver was SIGKILLed once the broadcast was seeded.
   *
   * @param executorsDoneAfterKill executors whose read ended after the kill: they finished without the driver
   */
  record DriverKill(int executorsDoneAfterKill) {}

  /** True if the driver was killed during the round. */
  boolean driverKilled() {
    return driverKill != null;
  }

  /** A fault the demo injected into one executor ({@code swarmcast demo --kill-executors, --corrupt-executors}). */
  enum Fault {
    /** None: the executor is expected to verify. */
    NONE,
    /** SIGKILLed during the round: not expected to verify, not counted as a failure. */
    KILLED,
    /** Uploads pieces with a flipped bit; its own copy is intact, so it is expected to verify. */
    CORRUPTING
  }

  /**
   * One executor's part.
   *
   * @param cpuSeconds CPU the executor process used during the round, NaN if unknown
   * @param corruptPieces pieces it received that failed their checksum (and fetched again elsewhere)
   */
  record ExecutorResult(int id, double seconds, long fromDriverBytes, long fromPeersBytes, boolean verified,
      long peakHeapBytes, double cpuSeconds, long corruptPieces, String error, Fault fault) {
    boolean killed() {
      return fault == Fault.KILLED;
    }
  }

  /** True if every executor that was not killed verified the value, and at least one was not killed. */
  boolean allVerified() {
    return perExecutor.size() == executors && perExecutor.stream().allMatch(e -> e.killed() || e.verified())
        && perExecutor.stream().anyMatch(e -> !e.killed());
  }

  /** Executors killed during the round. */
  long killed() {
    return perExecutor.stream().filter(ExecutorResult::killed).count();
  }

  /** Corrupt pieces the executors detected (and discarded) during the round. */
  long corruptPiecesDetected() {
    return perExecutor.stream().mapToLong(ExecutorResult::corruptPieces).sum();
  }

  long executorPeakHeapBytes() {
    return perExecutor.stream().mapToLong(ExecutorResult::peakHeapBytes).max().orElse(0);
  }

  /** CPU of the executor processes that were not killed during the round; NaN if any is unknown. */
  double executorCpuSeconds() {
    return perExecutor.size() == executors
        ? perExecutor.stream().filter(e -> !e.killed()).mapToDouble(ExecutorResult::cpuSeconds).sum() : Double.NaN;
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
        .append(",\"corruptPiecesDetected\":").append(corruptPiecesDetected())
        .append(",\"driverKilled\":").append(driverKilled());
    if (driverKilled()) {
      sb.append(",\"executorsDoneAfterKill\":").append(driverKill.executorsDoneAfterKill());
    }
    sb.append(",\"perExecutor\":[");
    for (int i = 0; i < perExecutor.size(); i++) {
      ExecutorResult e = perExecutor.get(i);
      sb.append(i == 0 ? "" : ",")
          .append("{\"id\":").append(e.id())
          .append(",\"seconds\":").append(num(e.seconds()))
          .append(",\"fromDriverBytes\":").append(e.fromDriverBytes())
          .append(",\"fromPeersBytes\":").append(e.fromPeersBytes())
          .append(",\"cpuSeconds\":").append(num(e.cpuSeconds()))
          .append(",\"verified\":").append(e.verified())
          .append(",\"killed\":").append(e.killed())
          .append(",\"corrupting\":").append(e.fault() == Fault.CORRUPTING)
          .append(",\"corruptPiecesDetected\":").append(e.corruptPieces());
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
