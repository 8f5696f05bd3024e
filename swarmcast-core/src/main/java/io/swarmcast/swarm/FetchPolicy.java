package io.swarmcast.swarm;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * The replaceable decisions of a fetch, bundled: how many requests may be outstanding, which piece to
 * ask for, which holder to ask, and when to ask a second holder.
 */
public record FetchPolicy(FetchLimits limits, PieceSelector pieces, PeerSelector peers, EndGame endGame) {
  /** How long a piece's only request waits in the end game before a second holder is asked (see {@link EndGame}). */
  public static final Duration END_GAME_WAIT = Duration.ofMillis(250);

  public FetchPolicy {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(pieces, "pieces");
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(endGame, "endGame");
  }

  /** Rarest piece first, least-loaded holder, end game after {@link #END_GAME_WAIT}; ties broken with {@code random}. */
  public static FetchPolicy standard(FetchLimits limits, Random random) {
    return new FetchPolicy(limits, PieceSelector.rarestFirst(random), PeerSelector.leastLoaded(random),
        EndGame.after(END_GAME_WAIT));
  }
}
