package io.swarmcast.swarm;

import java.util.Arrays;
import java.util.Collection;

/**
 * Which peers serve this fetch far more slowly than the others: a peer on a link a tenth as fast,
 * or one whose upload is swamped. Judged from the fetch's own requests: each piece's bytes over the
 * time from its request to its arrival (the peer's queue, its link and the round trip together).
 *
 * <p>Why: with neighbours, an executor keeps a bounded set of peers, at most one request out to
 * each ({@code maxPerPeer}), and its download is about that many pieces per request's time. A slow
 * neighbour keeps its request ten times as long, so an executor with 4 slow neighbours of 16 had
 * the requests of 12, too few to fill its link; and rarest-first sent every neighbour of a slow
 * peer to it for the pieces it alone held. Simulated, 100 executors at 10 Gbit/s with a tenth of
 * them ten times slower, the fast ones finished at 1.269 × size ÷ bandwidth, against 1.187 × with
 * none slow.
 *
 * <p>What a slow peer changes (see {@link FetchScheduler}): it no longer counts towards the
 * neighbours kept, so the set takes another in its place; a piece it holds is asked of it only when
 * no other peer that can take a request holds a wanted piece; and of a piece's holders it is asked
 * last. It is still asked, so a piece only it holds still comes, and its next pieces judge it
 * again.
 *
 * <p>How: each peer's time per byte is a moving average of its last pieces (each new one half of
 * it); the fetch's reference is a slower moving average (an eighth) over pieces from peers not
 * judged slow. A peer is slow from its {@link #MIN_SAMPLES}th piece on while its average is more
 * than {@link #SLOWER_THAN} times the reference. A fast peer busy with two uploads and a third
 * waiting serves about three times slower than an idle one, so the bound sits above that. A
 * neighbour that has served nothing yet is judged by what it holds: fewer than a {@link
 * #LAG_BEHIND}th of the median neighbour's pieces, once that median is {@link #LAG_MIN_MEDIAN}, and
 * it lags (a slow link fills slowly, and its holder has little to give). Judged every {@link
 * FetchScheduler#LAG_CHECK_EVERY} pieces stored: the first slow pieces came only after 40 ms of a
 * 107 ms broadcast, and by then the set had done its harm. With both, and the driver's rule for
 * executors that lag behind (Tracker.NOT_NOW), the fast executors above finished at 1.194 to 1.228
 * × (10 seeds, mean 1.211). Against the median neighbour, not this fetch's own pieces: an executor
 * ahead of the others (the driver's early pieces) then judged every peer lagging, and 8 simulated
 * executors took 1.149 × instead of 1.081 (ValidationTest caught it). Not thread-safe: part of a
 * {@link FetchScheduler}.
 */
final class SlowPeers {
  /** How many times the reference time per byte makes a peer slow. */
  static final double SLOWER_THAN = 4.0;

  /** How many times fewer pieces than the median neighbour's make a neighbour lag. */
  static final int LAG_BEHIND = 4;

  /** The median neighbour's pieces from which lagging is judged: before, all have few. */
  static final int LAG_MIN_MEDIAN = 8;

  /** Pieces from a peer before it can be judged: one piece may have waited behind a burst. */
  static final int MIN_SAMPLES = 2;

  /** Scratch for {@link #judgeLag}, which runs every few pieces: the neighbours' piece counts. */
  private int[] held = new int[0];

  /** The moving average of nanoseconds per byte over pieces from peers not judged slow. */
  private double reference;

  /**
   * {@code peer} delivered {@code bytes} (more than 0) {@code nanos} after they were asked for.
   * Returns whether it has just been judged slow.
   */
  boolean served(PeerTable peers, PeerTable.Peer peer, int bytes, long nanos) {
    double perByte = (double) Math.max(1, nanos) / bytes;
    peer.nanosPerByte = peer.piecesServed == 0 ? perByte : (peer.nanosPerByte + perByte) / 2;
    peer.piecesServed++;
    if (!peer.slow) {
      reference = reference == 0 ? perByte : reference + (perByte - reference) / 8;
    }
    boolean was = peer.slow;
    peer.slowToServe =
        peer.piecesServed >= MIN_SAMPLES && peer.nanosPerByte > SLOWER_THAN * reference;
    peers.judged(peer);
    return peer.slow && !was;
  }

  /**
   * Judges the {@code neighbours} (ids) by how many pieces each holds: one with fewer than a {@link
   * #LAG_BEHIND}th of the median, once that is {@link #LAG_MIN_MEDIAN} or more, lags. Returns
   * whether one has just been judged slow so.
   */
  boolean judgeLag(PeerTable peers, Collection<Integer> neighbours) {
    if (held.length < neighbours.size()) {
      held = new int[neighbours.size()];
    }
    int n = 0;
    for (int id : neighbours) {
      PeerTable.Peer p = peers.get(id);
      if (p != null) {
        held[n++] = p.held;
      }
    }
    if (n == 0) {
      return false;
    }
    Arrays.sort(held, 0, n);
    int median = held[n / 2];
    if (median < LAG_MIN_MEDIAN) {
      return false;
    }
    boolean becameSlow = false;
    for (int id : neighbours) {
      PeerTable.Peer p = peers.get(id);
      if (p != null) {
        boolean was = p.slow;
        p.lagging = (long) p.held * LAG_BEHIND < median;
        peers.judged(p);
        becameSlow |= p.slow && !was;
      }
    }
    return becameSlow;
  }
}
