package io.swarmcast.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How far the swarm is behind the driver, sampled over virtual time: the distinct pieces the driver
 * has sent, and the pieces the executors hold (least, 1st, 50th and 99th percentile, most).
 *
 * <p>Why it is kept: every piece starts at the driver, so no executor can hold more distinct pieces
 * than it has sent, and an executor's link takes pieces no faster than the driver's sends them. How
 * far behind the driver the executors run, and whether that gap grows, says where the time beyond
 * size÷bandwidth goes: into the driver's own pace (its curve below the ideal line), or into how
 * long a piece takes to spread (the executors' curves behind the driver's).
 */
public final class SwarmProgress {
  /**
   * One sample, at {@code seconds}: the driver's distinct pieces sent, and among the executors that
   * have joined and live (those done count as holding every piece), the pieces held.
   */
  public record Point(
      double seconds,
      int driverPieces,
      int heldMin,
      int heldP1,
      int heldP50,
      int heldP99,
      int heldMax,
      int executors) {}

  private final List<Point> points = new ArrayList<>();

  /** Adds a sample; {@code held} is reordered. */
  void add(long nanos, int driverPieces, int[] held, int count) {
    if (count == 0) {
      points.add(new Point(nanos / 1e9, driverPieces, 0, 0, 0, 0, 0, 0));
      return;
    }
    Arrays.sort(held, 0, count);
    points.add(
        new Point(
            nanos / 1e9,
            driverPieces,
            held[0],
            held[rank(0.01, count)],
            held[rank(0.50, count)],
            held[rank(0.99, count)],
            held[count - 1],
            count));
  }

  /** The nearest-rank index of quantile {@code q} among {@code count} sorted values. */
  private static int rank(double q, int count) {
    return Math.max(0, Math.min(count - 1, (int) Math.ceil(q * count) - 1));
  }

  public List<Point> points() {
    return List.copyOf(points);
  }
}
