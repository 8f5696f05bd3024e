package io.swarmcast.swarm;

import java.util.BitSet;
import java.util.Random;

/**
 * Picks the candidate held by the fewest peers, choosing uniformly at random among equally rare
 * ones (reservoir sampling, one pass). Random ties keep executors that start together from all
 * asking for the same piece. Not thread-safe.
 */
final class RarestFirstSelector implements PieceSelector {
  private final Random random;

  RarestFirstSelector(Random random) {
    this.random = random;
  }

  @Override
  public int select(BitSet candidates, int[] holders) {
    int best = -1;
    int bestCount = Integer.MAX_VALUE;
    int ties = 0;
    for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
      int h = holders[i];
      if (h < bestCount) {
        best = i;
        bestCount = h;
        ties = 1;
      } else if (h == bestCount && random.nextInt(++ties) == 0) {
        best = i;
      }
    }
    if (best < 0) {
      throw new IllegalArgumentException("no candidate pieces");
    }
    return best;
  }
}
