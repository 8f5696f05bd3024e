package io.swarmcast.cli;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one broadcast to every executor: timing, traffic, CPU and verdicts. Immutable.
 *
 * @param driverCpuSeconds CPU the driver process used during the round (all threads, user +
 *     system), NaN if unknown
 * @param driverKill how the driver was killed during the round ({@code demo
 *     --kill-driver-after-seeded}); null if it was not
 */
record RoundResult(
    String factory,
    int rep,
    int executors,
    long sizeBytes,
    double seconds,
    long driverBytesSent,
    long peerBytesSent,
    long driverPeakHeapBytes,
    double driverCpuSeconds,
    List<ExecutorResult> perExecutor,
    DriverKill driverKill,
    double seededSeconds) {

  /** As the canonical constructor, the seeded time unknown (NaN). */
  RoundResult(
      String factory,
      int rep,
      int executors,
      long sizeBytes,
      double seconds,
      long driverBytesSent,
      long peerBytesSent,
      long driverPeakHeapBytes,
      double driverCpuSeconds,
      List<ExecutorResult> perExecutor,
      DriverKill driverKill) {
    this(
        factory,
        rep,
        executors,
        sizeBytes,
        seconds,
        driverBytesSent,
        peerBytesSent,
        driverPeakHeapBytes,
        driverCpuSeconds,
        perExecutor,
        driverKill,
        Double.NaN);
  }

  /**
   * The same round with {@code seconds} until every piece was on some executor (the swarm seeded).
   */
  RoundResult withSeededSeconds(double seconds) {
    return new RoundResult(
        factory,
        rep,
        executors,
        sizeBytes,
        this.seconds,
        driverBytesSent,
        peerBytesSent,
        driverPeakHeapBytes,
        driverCpuSeconds,
        perExecutor,
        driverKill,
        seconds);
  }

  /** A round whose driver lived through it. */
  RoundResult(
      String factory,
      int rep,
      int executors,
      long sizeBytes,
      double seconds,
      long driverBytesSent,
      long peerBytesSent,
      long driverPeakHeapBytes,
      double driverCpuSeconds,
      List<ExecutorResult> perExecutor) {
    this(
        factory,
        rep,
        executors,
        sizeBytes,
        seconds,
        driverBytesSent,
        peerBytesSent,
        driverPeakHeapBytes,
        driverCpuSeconds,
        perExecutor,
        null);
  }

  /**
   * The driver was SIGKILLed once the broadcast was seeded.
   *
   * @param executorsDoneAfterKill executors whose read ended after the kill: they finished without
   *     the driver
   */
  record DriverKill(int executorsDoneAfterKill) {}

  /** True if the driver was killed during the round. */
  boolean driverKilled() {
    return driverKill != null;
  }

  /**
   * A fault the demo injected into one executor ({@code swarmcast demo --kill-executors,
   * --corrupt-executors}).
   */
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
   * @param corruptPieces pieces it received that failed their checksum (and fetched again
   *     elsewhere)
   */
  record ExecutorResult(
      int id,
      double seconds,
      long fromDriverBytes,
      long fromPeersBytes,
      boolean verified,
      long peakHeapBytes,
      double cpuSeconds,
      long corruptPieces,
      String error,
      Fault fault) {
    boolean killed() {
      return fault == Fault.KILLED;
    }
  }

  /**
   * True if every executor that was not killed verified the value, and at least one was not killed.
   */
  boolean allVerified() {
    return perExecutor.size() == executors
        && perExecutor.stream().allMatch(e -> e.killed() || e.verified())
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
        ? perExecutor.stream()
            .filter(e -> !e.killed())
            .mapToDouble(ExecutorResult::cpuSeconds)
            .sum()
        : Double.NaN;
  }

  /** One line of JSON with the fields docs/cli.md documents, in its order. */
  String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("factory", factory);
    json.put("rep", rep);
    json.put("executors", executors);
    json.put("sizeBytes", sizeBytes);
    json.put("seconds", num(seconds));
    json.put("driverBytesSent", driverBytesSent);
    json.put("peerBytesSent", peerBytesSent);
    json.put("driverPeakHeapBytes", driverPeakHeapBytes);
    json.put("executorPeakHeapBytes", executorPeakHeapBytes());
    json.put("driverCpuSeconds", num(driverCpuSeconds));
    json.put("executorCpuSeconds", num(executorCpuSeconds()));
    json.put("allVerified", allVerified());
    json.put("corruptPiecesDetected", corruptPiecesDetected());
    json.put("driverKilled", driverKilled());
    if (driverKilled()) {
      json.put("executorsDoneAfterKill", driverKill.executorsDoneAfterKill());
    }
    json.put("seededSeconds", num(seededSeconds));
    json.put("perExecutor", perExecutor.stream().map(RoundResult::executorJson).toList());
    return JsonLine.write(json);
  }

  private static Map<String, Object> executorJson(ExecutorResult e) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", e.id());
    json.put("seconds", num(e.seconds()));
    json.put("fromDriverBytes", e.fromDriverBytes());
    json.put("fromPeersBytes", e.fromPeersBytes());
    json.put("cpuSeconds", num(e.cpuSeconds()));
    json.put("verified", e.verified());
    json.put("killed", e.killed());
    json.put("corrupting", e.fault() == Fault.CORRUPTING);
    json.put("corruptPiecesDetected", e.corruptPieces());
    if (!e.error().isEmpty()) {
      json.put("error", e.error());
    }
    return json;
  }

  /**
   * Four decimals, as docs/cli.md shows them; null for NaN (unknown), which JSON has no number for.
   */
  private static BigDecimal num(double d) {
    return JsonLine.fixed(d, 4);
  }
}
