package io.swarmcast.swarm;

import java.util.BitSet;
import java.util.Random;

/**
 * Chooses which missing piece to request next from the pieces some peer with spare capacity can
 * serve. Replaceable, so the order pieces spread in can be studied and tuned on its own (see {@link
 * #rarestFirst}, {@link #sequential}). Implementations need not be thread-safe: each fetch calls
 * its selector under its own lock.
 */
public interface PieceSelector {
  /**
   * Returns one index from {@code candidates} (never empty).
   *
   * @param candidates pieces this executor lacks, is not fetching, and some usable peer holds
   * @param holders for each piece index, how many known peers hold it
   */
  int select(BitSet candidates, int[] holders);

  /**
   * Rarest first, ties broken at random with {@code random}: spreads scarce pieces before common
   * ones.
   */
  static PieceSelector rarestFirst(Random random) {
    return new RarestFirstSelector(random);
  }

  /** Lowest index first. */
  static PieceSelector sequential() {
    return (candidates, holders) -> candidates.nextSetBit(0);
  }
}
