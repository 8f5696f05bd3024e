package io.swarmcast.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one simulation measured. Ratios are × size÷bandwidth, each executor's against its own link
 * (a slow executor's size÷bandwidth is longer) and from the moment it started fetching (a late
 * joiner's, from its join); {@code fast*} counts only executors on full-rate links.
 *
 * @param finishRatios every executor that finished, its ratio, ascending
 * @param driverDataBytes piece bytes (frames included) the driver uploaded
 * @param driverControlBytes control bytes the driver uploaded (notices, locations, answers, the
 *     answers to registrations)
 * @param driverControlIn control bytes the driver received (announcements, questions)
 * @param driverJoinBytes of {@code driverControlBytes}, the answers to registrations: once per
 *     executor, whatever the broadcasts
 * @param maxConnections most connections any executor held
 * @param trackerSeconds wall-clock time spent inside the real {@code Tracker}'s methods
 * @param progress the driver's distinct pieces sent and the executors' pieces held, over time
 */
public record SimResult(
    Scenario scenario,
    int pieceCount,
    int pieceBytes,
    int finished,
    int failed,
    int killed,
    int unfinished,
    double[] finishRatios,
    double lastRatio,
    double p50Ratio,
    double p99Ratio,
    double fastLastRatio,
    double fastP99Ratio,
    double slowLastRatio,
    double seededRatio,
    long driverDataBytes,
    long driverControlBytes,
    long driverControlMessages,
    long driverControlIn,
    long driverJoinBytes,
    long peerDataBytes,
    long haveNotices,
    long locationsBytes,
    long locationsAnswered,
    int maxConnections,
    int driverConnections,
    double trackerSeconds,
    long trackerCalls,
    long events,
    double wallSeconds,
    TimeSeries driverLink,
    SwarmProgress progress) {

  static SimResult of(
      Scenario sc,
      int[] pieceSizes,
      List<SimExecutor> executors,
      SimDriver driver,
      FlowNetwork net,
      TimeSeries driverLink,
      SwarmProgress progress,
      long seededAt,
      long events,
      double wallSeconds) {
    double ideal = sc.idealSeconds();
    List<Double> all = new ArrayList<>();
    List<Double> fast = new ArrayList<>();
    List<Double> slow = new ArrayList<>();
    int failed = 0;
    int killed = 0;
    int unfinished = 0;
    int maxConnections = 0;
    long peerData = 0;
    for (SimExecutor e : executors) {
      maxConnections = Math.max(maxConnections, e.host.connections.size());
      peerData += e.host.dataBytesSent;
      if (e.isDone()) {
        double r = (e.finishedAt - e.startedAt) / 1e9 / (ideal * (e.slow ? sc.slowFactor() : 1));
        all.add(r);
        (e.slow ? slow : fast).add(r);
      } else if (!e.isAlive()) {
        killed++;
      } else if (e.failure != null) {
        failed++;
      } else {
        unfinished++;
      }
    }
    double[] ratios = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] fastRatios = fast.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] slowRatios = slow.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int maxPiece = Arrays.stream(pieceSizes).max().orElse(0);
    return new SimResult(
        sc,
        pieceSizes.length,
        maxPiece,
        ratios.length,
        failed,
        killed,
        unfinished,
        ratios,
        last(ratios),
        quantile(ratios, 0.50),
        quantile(ratios, 0.99),
        last(fastRatios),
        quantile(fastRatios, 0.99),
        last(slowRatios),
        seededAt < 0 ? Double.NaN : seededAt / 1e9 / ideal,
        driver.host.dataBytesSent,
        driver.host.controlBytesSent,
        driver.host.controlMessagesSent,
        driver.host.controlBytesReceived,
        driver.joinBytes,
        peerData,
        driver.haveNotices,
        driver.locationsBytes,
        driver.locationsAnswered,
        maxConnections,
        driver.host.connections.size(),
        driver.trackerNanos / 1e9,
        driver.trackerCalls,
        events,
        wallSeconds,
        driverLink,
        progress);
  }

  /** The {@code q} quantile (nearest rank) of ascending {@code sorted}; NaN if empty. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double last(double[] sorted) {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  /** The driver's uploaded piece bytes in copies of the value. */
  public double driverCopies() {
    return driverDataBytes / (double) scenario.sizeBytes();
  }

  /** The driver's uploaded control bytes as a share of the value's size. */
  public double driverControlShare() {
    return driverControlBytes / (double) scenario.sizeBytes();
  }

  /** Of all piece bytes delivered, the share that came from the driver. */
  public double driverShare() {
    long total = driverDataBytes + peerDataBytes;
    return total == 0 ? Double.NaN : driverDataBytes / (double) total;
  }
}
