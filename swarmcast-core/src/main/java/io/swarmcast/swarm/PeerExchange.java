package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fetch's way on once its driver is gone: the tracker died with it, so where pieces are is asked
 * of the peers themselves. Each known peer is asked once for what it holds and which holders it
 * knows (peer exchange); peers named in the answers are asked in turn. When no question is
 * outstanding and some missing piece has no known holder, no executor this one can reach has it,
 * and the fetch fails at once, naming the pieces, instead of waiting. If the driver comes back (the
 * same incarnation after a broken link), the fetch uses it and its tracker again. Not thread-safe:
 * the {@link FetchScheduler} owns it.
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
    // Every known peer is worth asking again: with neighbours, all of them were asked when they
    // became neighbours, before they knew the holders of the pieces stored since. Without this, an
    // executor whose neighbours had not told it of a piece failed the moment the driver left,
    // though
    // the swarm held every piece (simulated: all of 100 executors, the driver gone once seeded).
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
    asked.clear(); // should it leave again, every peer is worth asking again
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
   * Known peers not asked yet, now marked asked; empty while the driver is alive.
   *
   * <p>With neighbours, every known peer (the neighbours, mostly) at first; after that, only while
   * some missing piece has no known holder and no question is out, and {@link #WIDEN} at a time.
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
    if (s.policy.neighbourExchange() && widened) {
      if (pending > 0 || !hasOrphans(s)) {
        return fresh;
      }
      most = WIDEN;
    }
    for (PeerAddress p : s.peers.addresses()) {
      if (fresh.size() >= most) {
        break;
      }
      if (asked.add(p.id())) {
        fresh.add(p);
      }
    }
    widened = true;
    pending += fresh.size();
    return fresh;
  }

  /** Peers asked at a time, with neighbours, once the first round after the driver left is out. */
  static final int WIDEN = 4;

  private boolean widened;

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
   * Why the fetch {@code s} cannot finish, or null if it can still: once the driver is gone and
   * every question is answered, a missing piece (neither held nor being fetched) that no known peer
   * holds is held by nobody reachable; and a fetch with nothing out and nothing to wait for (no
   * request, no question, no wake-up: the direct strategy without its driver) will never hear of
   * anything again.
   */
  IllegalStateException cannotFinish(FetchScheduler s) {
    if (driverGone && pending == 0) {
      BitSet orphans = orphans(s);
      if (!orphans.isEmpty()) {
        return new IllegalStateException(
            "the driver is gone and no executor this one can reach holds piece(s) "
                + Describe.pieces(orphans)
                + " of "
                + s.pieceCount);
      }
    }
    if (s.requests.size() == 0 && !s.locating && pending == 0 && !s.wakeups.anyPending()) {
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
