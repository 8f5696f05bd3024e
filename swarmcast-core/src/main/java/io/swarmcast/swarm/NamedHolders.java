package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Which of the holders it knows an executor names to a peer that asks what it holds (peer
 * exchange): those it learned, in the order it learned them, from a random one on. With neighbours,
 * an executor makes up its set from the holders its first neighbours name; named from the first
 * learned each time, every asker got the same few, and at 1,000 executors (simulated) some had 79
 * connections and the last executor took 1.54 × size ÷ bandwidth. The real executor ({@code
 * PeerDirectory}) and the simulator both answer through this.
 */
public final class NamedHolders {
  private NamedHolders() {}

  /**
   * The most holders one answer names besides the answerer. While the driver is alive, an asker
   * takes at most 4 of them as neighbours ({@code FetchScheduler.NEIGHBOURS_FROM_ONE_PEER}); once
   * it is gone, an asker with neighbours asks those named only a few at a time, and one without
   * asks them all, who name more in turn. Naming every holder known (up to 1 MiB an answer) grew
   * the answers with the swarm: with 10,000 simulated executors whose driver left, each named
   * thousands of holders to each of its neighbours, and the simulator ran out of memory.
   */
  public static final int MOST = 32;

  /**
   * Up to {@code max} of {@code known} that {@code skip} does not reject, starting at a random one
   * and wrapping.
   */
  public static <T> List<T> pick(
      List<T> known, Predicate<T> skip, int max, RandomGenerator random) {
    List<T> out = new ArrayList<>(Math.min(max, known.size()));
    int n = known.size();
    int start = n == 0 ? 0 : random.nextInt(n);
    for (int k = 0; k < n && out.size() < max; k++) {
      T t = known.get((start + k) % n);
      if (!skip.test(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
