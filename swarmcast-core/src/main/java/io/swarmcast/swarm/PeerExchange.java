package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fetch's way on once its driver is gone: the tracker died with it, so where pieces are is asked
 * of the peers themselves. Each known peer is asked once for what it holds and which holders it
 * knows (peer exchange); peers named in the answers are asked in turn. With neighbours, only the
 * neighbours are asked at first, and the holders they name only once pieces stop coming (see {@link
 * #waitingForNeighbours}), a few at a time. When no question is outstanding, no such wait is on,
 * and some missing piece has no known holder, no executor this one can reach has it, and the fetch
 * fails, naming the pieces, instead of waiting for ever. If the driver comes back (the same
 * incarnation after a broken link), the fetch uses it and its tracker again. Not thread-safe: the
 * {@link FetchScheduler} owns it.
 */
final class PeerExchange {
  private boolean driverGone;
  private final Set<Integer> asked = new HashSet<>();
  private int pending;

  boolean driverGone() {
    return driverGone;
  }

  /** See {@link FetchScheduler#onDriverLost}. */
  List<FetchAction> onDriverLost(FetchScheduler s, Throwable cause) {
    if (s.isFinished() || driverGone) {
      return List.of();
    }
    driverGone = true;
    // The peers asked before are worth asking again (with neighbours, the neighbours alone: see
    // toAsk): they were asked when they became neighbours, before they knew the holders of the
    // pieces stored since. Without this, an executor whose neighbours had not told it of a piece
    // failed the moment the driver left, though the swarm held every piece (simulated: all of 100
    // executors, the driver gone once seeded). If the driver left, came back and leaves again
    // before a new set was asked, the set from the first time stands.
    if (s.policy.neighbourExchange() && !asked.isEmpty()) {
      neighboursAtLoss = new HashSet<>(asked);
    }
    asked.clear();
    widened = false;
    s.requests.endDriverRequests();
    s.locating = false;
    s.trackerDeferred = false;
    if (s.peers.size() == 0) {
      return s.fail(
          new IllegalStateException(
              "the driver went away ("
                  + cause.getMessage()
                  + ") and this executor knows no other holder of the broadcast"));
    }
    return s.book();
  }

  /** See {@link FetchScheduler#onDriverBack}. */
  List<FetchAction> onDriverBack(FetchScheduler s) {
    if (s.isFinished() || !driverGone) {
      return List.of();
    }
    driverGone = false;
    asked.clear(); // should it leave again, its neighbours are worth asking again
    s.driverHasNothing = false;
    s.relocate = true; // the tracker knows holders that peer exchange may not have named
    return s.book();
  }

  /** See {@link FetchScheduler#onPeerLocations}. */
  List<FetchAction> onPeerLocations(
      FetchScheduler s, List<PeerPieces> holders, List<FetchAction> out) {
    if (s.isFinished()) {
      return List.of();
    }
    answered();
    for (PeerPieces h : holders) {
      s.peers.addAll(h.peer(), h.pieces());
    }
    return s.book(out);
  }

  /** See {@link FetchScheduler#onPeerLocationsFailed}. */
  List<FetchAction> onPeerLocationsFailed(FetchScheduler s, PeerAddress from) {
    if (s.isFinished()) {
      return List.of();
    }
    answered();
    List<FetchAction> out = new ArrayList<>();
    if (!s.peers.isBanned(from.id())) {
      out.add(new FetchAction.BanPeer(from.id(), FetchAction.BanPeer.Reason.FAILED));
    }
    s.lose(from.id());
    return s.book(out);
  }

  /**
   * Peers not asked yet, now marked asked: known ones, and with neighbours those that answers
   * named; empty while the driver is alive. Banned peers are never asked.
   *
   * <p>With neighbours, the neighbours at first; after that, only while some missing piece has no
   * known holder, no question is out and no piece has come for a while ({@link
   * #waitingForNeighbours}), and {@link #WIDEN} at a time, holders named of such a piece first.
   * Asking every holder each answer named, as without neighbours, had each of 1,000 executors ask
   * all the others (simulated: memory ran out), where the answers already carry what the named
   * hold.
   */
  List<PeerAddress> toAsk(FetchScheduler s) {
    List<PeerAddress> fresh = new ArrayList<>();
    if (!driverGone) {
      return fresh;
    }
    int most = Integer.MAX_VALUE;
    List<PeerAddress> pool = new ArrayList<>();
    if (s.policy.neighbourExchange() && widened) {
      if (pending > 0 || waitingForNeighbours(s)) {
        return fresh;
      }
      BitSet orphans = orphans(s);
      if (orphans.isEmpty()) {
        return fresh;
      }
      most = WIDEN;
      // Holders named of a piece none of the known peers holds come first, the others named last.
      for (PeerPieces h : named.values()) {
        if (h.pieces().intersects(orphans)) {
          pool.add(h.peer());
        }
      }
    }
    boolean neighboursOnly = !widened && neighboursAtLoss != null;
    pool.addAll(s.peers.addresses());
    named.values().forEach(h -> pool.add(h.peer())); // empty until the driver is gone
    for (PeerAddress p : pool) {
      if (fresh.size() >= most) {
        break;
      }
      if ((neighboursOnly && !neighboursAtLoss.contains(p.id())) || s.peers.isBanned(p.id())) {
        continue;
      }
      if (asked.add(p.id())) {
        fresh.add(p);
        named.remove(p.id()); // its own answer will tell what it holds
      }
    }
    widened = true;
    pending += fresh.size();
    return fresh;
  }

  /** Peers asked at a time, with neighbours, once the first round after the driver left is out. */
  static final int WIDEN = 4;

  /**
   * How many of this fetch's usual gaps between two stored pieces it waits, with no piece stored,
   * before it asks beyond its neighbours for a piece none of them holds.
   */
  static final int GAPS_BEFORE_WIDENING = 16;

  /** The shortest such wait. */
  static final long MIN_WAIT_NANOS = 1_000_000;

  private long lastStoredAt = Long.MIN_VALUE;
  private double meanGapNanos;

  /**
   * A piece was stored at {@code now}: the fetch is moving, and a piece none of its neighbours
   * holds yet may still reach one of them.
   */
  void stored(long now) {
    if (lastStoredAt != Long.MIN_VALUE) {
      double gap = now - lastStoredAt;
      if (meanGapNanos == 0) {
        meanGapNanos = gap;
      } else {
        // A gap that was itself a wait (a stalled peer, the driver's loss noticed late, a round of
        // widening) must not lengthen the next wait much: at most 4 usual gaps count.
        meanGapNanos = 0.9 * meanGapNanos + 0.1 * Math.min(gap, 4 * meanGapNanos);
      }
    }
    lastStoredAt = now;
  }

  /**
   * Whether to wait before asking beyond the neighbours: until pieces have stopped coming for
   * {@link #GAPS_BEFORE_WIDENING} of the usual gaps between them.
   *
   * <p>Why wait: the pieces the driver sent last before it left are each on one executor. Its
   * neighbours know it holds them and fetch them, and theirs in turn, so such a piece spreads
   * through the neighbours as every other piece does. Asking beyond the neighbours at once found
   * its one holder instead, and every executor then fetched it from there (simulated: 1,000
   * executors connected to each such holder, and the last finished at 2.1 × size ÷ bandwidth).
   * Waiting while pieces still come keeps the connections bounded; asking further once they stop
   * keeps a fetch whose neighbours cannot reach the piece from waiting for ever.
   */
  private boolean waitingForNeighbours(FetchScheduler s) {
    return s.policy.neighbourExchange()
        && widened
        && lastStoredAt != Long.MIN_VALUE
        && s.now() < widenAt(s);
  }

  /**
   * When to ask beyond the neighbours if no piece is stored before then: at most a peer timeout
   * after the last piece.
   */
  private long widenAt(FetchScheduler s) {
    long wait = Math.max(MIN_WAIT_NANOS, (long) (GAPS_BEFORE_WIDENING * meanGapNanos));
    return lastStoredAt + Math.min(wait, s.policy.peerTimeout().toNanos());
  }

  /**
   * The time to look again whether to ask beyond the neighbours, or {@link Long#MAX_VALUE} if
   * nothing waits on it.
   */
  long nextLook(FetchScheduler s) {
    if (!driverGone || pending > 0 || !waitingForNeighbours(s) || !hasOrphans(s)) {
      return Long.MAX_VALUE;
    }
    return widenAt(s);
  }

  private boolean widened;

  /**
   * With neighbours, once the driver is gone: the holders that answers named besides the answering
   * peers, by id, the latest answer's word on each. They are not fetched from but asked, a few at a
   * time, when a piece none of the known peers holds stops coming.
   */
  private final Map<Integer, PeerPieces> named = new LinkedHashMap<>();

  /**
   * An answer named {@code h} (see {@link #named}); not kept if it was asked already or is banned.
   */
  void named(FetchScheduler s, PeerPieces h) {
    int id = h.peer().id();
    if (!s.isFinished() && !asked.contains(id) && !s.peers.isBanned(id)) {
      named.put(id, h);
    }
  }

  /**
   * With neighbours: the peers asked when the driver left, the neighbours, which the first round
   * after it asks again; null to ask every known peer.
   */
  private Set<Integer> neighboursAtLoss;

  private static boolean hasOrphans(FetchScheduler s) {
    return !orphans(s).isEmpty();
  }

  /** Missing pieces that no known peer holds; a copy, computed only when it may be needed. */
  private static BitSet orphans(FetchScheduler s) {
    BitSet orphans = s.wanted();
    orphans.andNot(s.peers.allPieces());
    return orphans;
  }

  /**
   * The peers of {@code named} not asked yet, now marked asked: the neighbours a tracker named,
   * asked or a neighbour named, while the driver is alive (see {@link FetchPolicy#neighbours}).
   * Unlike {@link #toAsk}, not every peer an answer names is asked, so an executor hears from a
   * bounded set.
   */
  List<PeerAddress> askNew(List<PeerPieces> named) {
    List<PeerAddress> fresh = new ArrayList<>();
    for (PeerPieces p : named) {
      if (asked.add(p.peer().id())) {
        fresh.add(p.peer());
      }
    }
    pending += fresh.size();
    return fresh;
  }

  /** A neighbour asked already is asked again (see {@code FetchScheduler#askAgainIfShort}). */
  void askAgain() {
    pending++;
  }

  /** Whether {@code peerId} was asked already. */
  boolean wasAsked(int peerId) {
    return asked.contains(peerId);
  }

  /**
   * Peers asked, not banned and not judged slow: with neighbours, the neighbour set ({@link
   * SlowPeers}: a slow neighbour is replaced).
   */
  int askedAndUsable(PeerTable peers) {
    int n = 0;
    for (int id : asked) {
      if (!peers.isBanned(id) && !peers.isSlow(id)) {
        n++;
      }
    }
    return n;
  }

  /** The peers asked (with neighbours: the neighbours, banned ones included). Read-only. */
  Set<Integer> asked() {
    return Collections.unmodifiableSet(asked);
  }

  /** Whether exactly one question to a peer is out: the answer being handled is the last. */
  boolean lastQuestion() {
    return pending == 1;
  }

  /** Whether questions to peers are out. */
  boolean asking() {
    return pending > 0;
  }

  /** An answer (or its failure) came back. */
  void answered() {
    pending = Math.max(0, pending - 1);
  }

  /**
   * Why the fetch {@code s} cannot finish, or null if it can still: once the driver is gone, every
   * question is answered and no wait for pieces to spread through the neighbours is on ({@link
   * #waitingForNeighbours}), a missing piece (neither held nor being fetched) that no known peer
   * holds is held by nobody reachable; and a fetch with nothing out and nothing to wait for (no
   * request, no question, no wake-up: the direct strategy without its driver) will never hear of
   * anything again.
   */
  IllegalStateException cannotFinish(FetchScheduler s) {
    if (driverGone && pending == 0 && !waitingForNeighbours(s)) {
      BitSet orphans = orphans(s);
      if (!orphans.isEmpty()) {
        return new IllegalStateException(
            "the driver is gone and no executor this one can reach holds piece(s) "
                + Describe.pieces(orphans)
                + " of "
                + s.pieceCount);
      }
    }
    if (s.requests.size() == 0
        && !s.locating
        && pending == 0
        && !s.wakeups.anyPending()
        && !s.waitingForStripeParents()) {
      return new IllegalStateException(
          "nothing is left to ask for piece(s) "
              + Describe.pieces(s.wanted())
              + " of "
              + s.pieceCount
              + (driverGone ? ": the driver is gone" : ""));
    }
    return null;
  }
}
