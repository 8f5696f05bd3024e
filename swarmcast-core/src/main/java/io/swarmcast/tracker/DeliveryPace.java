package io.swarmcast.tracker;

import java.util.HashMap;
import java.util.Map;

/**
 * How fast the driver's pieces reach each executor: the bytes of a piece over the time from its
 * write to the executor's announcement of it, smoothed per executor and over all of them. An
 * executor whose pieces arrive {@value #SLOW_FACTOR} times slower than the swarm's are is slow, and
 * the driver sends it no fresh piece: a piece the driver sent only to a slow executor leaves it at
 * that executor's rate, and every fast executor then waits for it. Simulated with a tenth of 100
 * executors on links ten times slower, the fast ones took 1.37× size ÷ bandwidth. A slow executor
 * gets every piece from its peers instead, and from the driver only the copies a stalled fetch asks
 * for.
 *
 * <p>Relative, not absolute: the reference is the mean of the executors' own averages, so when
 * every executor is slow, or the whole swarm slows down together, none is. Not thread-safe: the
 * {@link Tracker} guards it.
 */
final class DeliveryPace {
  /**
   * How many times slower than the swarm an executor's deliveries must be for it to count as slow.
   */
  static final double SLOW_FACTOR = 4;

  /** Weight of the newest delivery in an average. */
  private static final double ALPHA = 0.25;

  /** Deliveries to an executor before its average is trusted. */
  private static final int MIN_SAMPLES = 2;

  private static final class Pace {
    double bytesPerSecond;
    int samples;
  }

  private final Map<Integer, Pace> executors = new HashMap<>();

  /**
   * The sum of the executors' averages: the swarm's pace moves as fast as theirs, so a swarm
   * slowing down together is not judged slow.
   */
  private double sumBytesPerSecond;

  /**
   * A piece of {@code bytes} reached {@code executorId} {@code nanos} after the driver began to
   * write it.
   */
  void delivered(int executorId, long bytes, long nanos) {
    if (bytes <= 0 || nanos <= 0) {
      return;
    }
    double rate = bytes / (nanos / 1e9);
    Pace p = executors.computeIfAbsent(executorId, k -> new Pace());
    double before = p.bytesPerSecond;
    p.bytesPerSecond = p.samples == 0 ? rate : before + ALPHA * (rate - before);
    p.samples++;
    sumBytesPerSecond += p.bytesPerSecond - before;
  }

  /**
   * Whether the driver's pieces reach {@code executorId} {@link #SLOW_FACTOR} times slower than the
   * swarm's average.
   */
  boolean isSlow(int executorId) {
    Pace p = executors.get(executorId);
    return p != null
        && p.samples >= MIN_SAMPLES
        && p.bytesPerSecond * SLOW_FACTOR * executors.size() < sumBytesPerSecond;
  }

  void forget(int executorId) {
    Pace p = executors.remove(executorId);
    if (p != null) {
      sumBytesPerSecond -= p.bytesPerSecond;
    }
  }
}
