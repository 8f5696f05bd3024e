package io.swarmcast.sim;

import java.util.ArrayList;
import java.util.List;

/** The driver link's cumulative data and control bytes sent, sampled over virtual time. */
public final class TimeSeries {
  /** One sample: at {@code seconds}, so many bytes sent so far. */
  public record Point(double seconds, long dataBytes, long controlBytes) {}

  private final List<Point> points = new ArrayList<>();

  void add(long nanos, long dataBytes, long controlBytes) {
    points.add(new Point(nanos / 1e9, dataBytes, controlBytes));
  }

  public List<Point> points() {
    return List.copyOf(points);
  }
}
