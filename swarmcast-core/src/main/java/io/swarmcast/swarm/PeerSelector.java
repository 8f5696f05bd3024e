package io.swarmcast.swarm;

import java.util.List;
import java.util.Random;

/**
 * Chooses which of a piece's holders to ask for it. Replaceable beside {@link PieceSelector}, so
 * how the load spreads over holders can be studied on its own. Implementations need not be
 * thread-safe: each fetch calls its selector under its own lock.
 */
public interface PeerSelector {
  /**
   * A holder that can take one more request, and how many requests this executor has outstanding to
   * it.
   */
  record Candidate(PeerAddress peer, int inFlight) {}

  /** Returns one of {@code candidates} (never empty). */
  Candidate select(List<Candidate> candidates);

  /**
   * The holder with the fewest requests from us, at random among equals: spreads an executor's
   * requests over every holder instead of queueing them at one.
   */
  static PeerSelector leastLoaded(Random random) {
    return candidates -> {
      Candidate best = null;
      int ties = 0;
      for (Candidate c : candidates) {
        if (best == null || c.inFlight() < best.inFlight()) {
          best = c;
          ties = 1;
        } else if (c.inFlight() == best.inFlight() && random.nextInt(++ties) == 0) {
          best = c;
        }
      }
      return best;
    };
  }
}
