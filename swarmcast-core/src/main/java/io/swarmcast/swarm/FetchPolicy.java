package io.swarmcast.swarm;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * The replaceable decisions of a fetch, bundled: how many requests may be outstanding, which piece
 * to ask for, which holder to ask, when to ask a second holder, and how long a peer may take to
 * answer before it counts as stalled (cancelled, banned for the fetch, and its piece asked
 * elsewhere); and how many neighbours a fetch keeps ({@code neighbours}: peers asked at once what
 * they hold, who then tell it of their new pieces; 0 for none, when the tracker relays notices
 * instead).
 */
public record FetchPolicy(
    FetchLimits limits,
    PieceSelector pieces,
    PeerSelector peers,
    EndGame endGame,
    Duration peerTimeout,
    int neighbours,
    boolean inOrderReader) {
  /** The default of {@code swarmcast.fetch.peerTimeout}. */
  public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long a piece's only request waits in the end game before a second holder is asked (see
   * {@link EndGame}).
   */
  public static final Duration END_GAME_WAIT = Duration.ofMillis(250);

  public FetchPolicy {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(pieces, "pieces");
    Objects.requireNonNull(peers, "peers");
    Objects.requireNonNull(endGame, "endGame");
    if (peerTimeout.isNegative() || peerTimeout.isZero()) {
      throw new IllegalArgumentException("peerTimeout must be positive: " + peerTimeout);
    }
    if (neighbours < 0) {
      throw new IllegalArgumentException("neighbours < 0: " + neighbours);
    }
  }

  /**
   * Rarest piece first, least-loaded holder, end game after {@link #END_GAME_WAIT}; ties broken
   * with {@code random}.
   */
  public static FetchPolicy standard(FetchLimits limits, Duration peerTimeout, Random random) {
    return new FetchPolicy(
        limits,
        PieceSelector.rarestFirst(random),
        PeerSelector.leastLoaded(random),
        EndGame.after(END_GAME_WAIT),
        peerTimeout,
        0,
        false);
  }

  /**
   * This policy with {@code k} neighbours, as {@code swarmcast.tracker.neighbours} has it: the
   * peers the tracker names, and then those its neighbours name, are asked at once what they hold
   * (peer exchange from the start) until k have been; the tracker then relays no notices.
   */
  public FetchPolicy withNeighbours(int k) {
    return new FetchPolicy(limits, pieces, peers, endGame, peerTimeout, k, inOrderReader);
  }

  /**
   * This policy for a fetch whose pieces a reader takes in order as they come (a file's SHA-256,
   * which follows the fetch): the lowest missing piece is asked for before the {@link #pieces}
   * selector's choice whenever a free peer holds it. Rarest-first leaves a piece every peer already
   * holds for last, and the reader then waited on it: with 1 GiB to 8 executors it was stuck on a
   * piece among the first 512 of 4,096 until 4,000 were here, and hashed a gigabyte after the last
   * one came (2.1-2.7 s after a 47 s fetch; 6-11 s after 190 s at 4 GiB). Only one such request is
   * out at a time: the next lowest missing piece is that same one until it comes.
   */
  public FetchPolicy withInOrderReader() {
    return new FetchPolicy(limits, pieces, peers, endGame, peerTimeout, neighbours, true);
  }

  /**
   * Whether the fetch keeps neighbours (peer exchange from the start) instead of hearing relayed
   * notices.
   */
  public boolean neighbourExchange() {
    return neighbours > 0;
  }

  /** {@link #standard(FetchLimits, Duration, Random)} with the {@link #DEFAULT_PEER_TIMEOUT}. */
  public static FetchPolicy standard(FetchLimits limits, Random random) {
    return standard(limits, DEFAULT_PEER_TIMEOUT, random);
  }
}
