package io.swarmcast.sim;

/**
 * Max-min fair shares. {@link #waterFill} shares one capacity among flows with caps (what {@link
 * FlowNetwork} does at each sender); {@link #exact} is progressive filling over a whole graph of
 * senders and receivers, the reference the network's approximation is measured against.
 */
final class MaxMinFair {
  private MaxMinFair() {}

  /** {@code capacity} shared max-min among flows each capped at {@code caps[i]}. */
  static double[] waterFill(double capacity, double[] caps) {
    double level = level(capacity, caps.clone(), caps.length, 0);
    double[] rates = new double[caps.length];
    for (int i = 0; i < caps.length; i++) {
      rates[i] = Math.min(caps[i], level);
    }
    return rates;
  }

  /**
   * The water level of {@code capacity} shared max-min among the first {@code n} flows of {@code
   * caps} plus {@code uncapped} flows without a cap: each capped flow gets min(cap, level), each
   * uncapped one the level. Infinite if the capped flows cannot use it all and none is uncapped.
   * Overwrites {@code caps[0..n)}: pass a copy.
   */
  static double level(double capacity, double[] caps, int n, int uncapped) {
    // Raise the level in rounds: flows capped below it take their cap and leave the rest to the
    // others. Each round is one pass and most shares settle in one or two, where sorting cost n log
    // n every time. The flows still open are kept in front, in their order, so each round visits
    // only them and subtracts the caps in the order a pass over all of them would (the same sums
    // to the last bit); a flag per flow, allocated per call, was a fifth of a large run's time.
    double left = capacity;
    int open = n + uncapped;
    double level = open == 0 ? Double.POSITIVE_INFINITY : left / open;
    int m = n;
    while (true) {
      int kept = 0;
      for (int k = 0; k < m; k++) {
        double cap = caps[k];
        if (cap < level) {
          left -= cap;
          open--;
        } else {
          caps[kept++] = cap;
        }
      }
      if (kept == m) {
        return level;
      }
      m = kept;
      level = open == 0 ? Double.POSITIVE_INFINITY : left / open;
    }
  }

  /**
   * Exact max-min fair rates of flows {@code from[i] -> to[i]} over hosts with upload {@code up}
   * and download {@code down}: progressive filling, raising every unfrozen flow at once until a
   * link is full.
   */
  static double[] exact(double[] up, double[] down, int[] from, int[] to) {
    int n = from.length;
    double[] rates = new double[n];
    boolean[] frozen = new boolean[n];
    double[] upLeft = up.clone();
    double[] downLeft = down.clone();
    int unfrozen = n;
    while (unfrozen > 0) {
      int[] upCount = new int[up.length];
      int[] downCount = new int[down.length];
      for (int i = 0; i < n; i++) {
        if (!frozen[i]) {
          upCount[from[i]]++;
          downCount[to[i]]++;
        }
      }
      double step = Double.MAX_VALUE;
      for (int h = 0; h < up.length; h++) {
        if (upCount[h] > 0) {
          step = Math.min(step, upLeft[h] / upCount[h]);
        }
        if (downCount[h] > 0) {
          step = Math.min(step, downLeft[h] / downCount[h]);
        }
      }
      for (int i = 0; i < n; i++) {
        if (!frozen[i]) {
          rates[i] += step;
          upLeft[from[i]] -= step;
          downLeft[to[i]] -= step;
        }
      }
      for (int i = 0; i < n; i++) {
        if (!frozen[i]
            && (upLeft[from[i]] <= 1e-9 * up[from[i]] || downLeft[to[i]] <= 1e-9 * down[to[i]])) {
          frozen[i] = true;
          unfrozen--;
        }
      }
    }
    return rates;
  }
}
