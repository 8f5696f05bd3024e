package io.swarmcast.tracker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Which executors the tracker names in a location answer, with neighbours: the registered executors
 * in turn, from a cycle of all of them shuffled anew each round. Every executor is then named as
 * often as any other (once a round), and the neighbour sets the executors build from these names
 * and from their neighbours' answers come out even: each executor is asked by 11 to 22 others (300
 * executors, 4 names, 16 neighbours, simulated). Drawn independently at random instead, some were
 * named by several askers and, through them, asked by 42 executors while others were asked by 2;
 * the popular ones' uploads were shared among more, and the last executor took 1.49 × size ÷
 * bandwidth instead of 1.21 × (docs/scaling.md). Not thread-safe: the tracker's lock guards it.
 */
final class NameCycle {
  private final RandomGenerator random;
  private final ArrayDeque<Integer> round = new ArrayDeque<>();

  NameCycle(RandomGenerator random) {
    this.random = random;
  }

  /**
   * Up to {@code k} distinct executors of {@code registered}, none of them {@code askerId}: the
   * next ones of this round, a new round shuffled when this one runs out. An executor registered
   * during a round is named from the next; one lost during it is skipped.
   */
  List<Integer> next(int k, int askerId, Set<Integer> registered) {
    Set<Integer> picked = new LinkedHashSet<>();
    int others = registered.size() - (registered.contains(askerId) ? 1 : 0);
    int want = Math.min(k, others);
    for (int refills = 0; picked.size() < want && refills <= 2; ) {
      if (round.isEmpty()) {
        shuffleIn(registered);
        refills++;
      }
      int id = round.poll();
      if (id != askerId && registered.contains(id)) {
        picked.add(id);
      }
    }
    return new ArrayList<>(picked);
  }

  private void shuffleIn(Set<Integer> registered) {
    List<Integer> ids = new ArrayList<>(registered);
    for (int i = ids.size() - 1; i > 0; i--) {
      Collections.swap(ids, i, random.nextInt(i + 1));
    }
    round.addAll(ids);
  }
}
