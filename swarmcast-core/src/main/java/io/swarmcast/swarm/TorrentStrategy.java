package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Fetching from the swarm. Requests are kept outstanding on two budgets:
 *
 * <ul>
 *   <li>up to {@code maxFromDriver} to the driver (one until it has sent a piece), always, because
 *       the driver's upload is the one link every byte must cross once: it is asked for "any piece
 *       I lack that no peer I know holds" and sends one it has never sent, so the swarm gets every
 *       piece once before any piece twice, and the driver never sends what a peer could. Once it
 *       has declined, it is asked again (for a duplicate) only if nothing else is moving;
 *   <li>up to {@code maxInFlight} to peers, at most {@code maxPerPeer} each (and from fewer peers
 *       while the driver alone can fill this executor's link: {@link DriverPriority}): the piece
 *       the {@link PieceSelector} picks among those some free peer holds, from the holder the
 *       {@link PeerSelector} picks; once every missing piece is being fetched, the {@link EndGame}.
 * </ul>
 *
 * The tracker is asked where pieces are at the start, in parallel with the driver (a small
 * broadcast then costs one round trip), and again whenever a source was lost. A one-piece broadcast
 * asks the driver alone, and the tracker only if the driver declines: asking both, and being told
 * of every other executor's copy, was half the messages of a 1 KiB broadcast to 8 executors.
 */
final class TorrentStrategy extends FetchStrategy {
  static final TorrentStrategy INSTANCE = new TorrentStrategy();

  private TorrentStrategy() {}

  @Override
  void start(FetchScheduler s, List<FetchAction> out) {
    if (s.pieceCount == 1) {
      s.trackerDeferred = true;
    } else {
      // The question goes first, so its answer comes before the driver's pieces and later requests
      // go to the peers it names; the driver's requests are booked with it, so they never exclude
      // what the answer names (with spare copies, each executor gets a small broadcast from the
      // driver).
      s.locating = true;
      out.add(new FetchAction.AskLocations());
    }
    book(s, out);
  }

  @Override
  void book(FetchScheduler s, List<FetchAction> out) {
    if (!s.adoptions.isEmpty()) {
      // A lost parent's stripe now comes from an adoptive parent: ask it what it holds (and hear
      // of what comes), unless it is a neighbour already.
      List<PeerPieces> named = new ArrayList<>(s.adoptions.size());
      for (PeerAddress a : s.adoptions) {
        named.add(new PeerPieces(a, new BitSet()));
      }
      s.adoptions.clear();
      List<PeerAddress> ask = s.exchange.askNew(named);
      if (!ask.isEmpty()) {
        out.add(new FetchAction.AskPeers(ask));
      }
    }
    // The driver first: its upload is the scarcest link in the swarm and must never sit idle. One
    // request until it has sent a piece: with thousands of executors it sends each about one, and
    // a second request each was declined later, 19,000 answers for nothing (0.2 % of the value on
    // its link at 10,000 executors, simulated). Where it serves few executors, each is asked
    // again at once, so its link still never waits for a round trip.
    int fromDriver = s.driverSentOne ? s.policy.limits().maxFromDriver() : 1;
    while (s.requests.toDriver < fromDriver && bookDriver(s, out)) {
      // booked one
    }
    if (s.exchange.driverGone()) {
      // No tracker: ask every peer not asked yet (new ones come from answers and notices).
      s.relocate = false;
      List<PeerAddress> ask = s.exchange.toAsk(s);
      if (!ask.isEmpty()) {
        out.add(new FetchAction.AskPeers(ask));
      }
    } else if (s.relocate && !s.locating) {
      s.relocate = false;
      s.locating = true;
      out.add(new FetchAction.AskLocations());
    }
    int peerLimit = peerLimit(s);
    while (s.requests.toPeers < s.policy.limits().maxInFlight() && bookPeer(s, peerLimit, out)) {
      // booked one
    }
    if (s.stripes != null && s.stripeRequestsAhead) {
      bookAhead(s, out);
    }
  }

  /**
   * With stripe trees, asks each parent (of a stripe not open) for the stripe's next pieces before
   * it has them, up to {@code maxPerPeer}: it holds the request and sends the piece as soon as it
   * is stored. Every node takes its stripes in index order, so the next piece a child lacks is the
   * next its parent gets. Waiting for the parent's notice and then asking cost two paths per level
   * of the tree, about two of the seven piece-times a level took at 10 Gbit/s (simulated).
   */
  private static void bookAhead(FetchScheduler s, List<FetchAction> out) {
    StripeParents sp = s.stripes;
    if (s.exchange.driverGone()) {
      return;
    }
    int maxPerPeer = s.policy.limits().maxPerPeer();
    long now = s.now();
    BitSet wanted = null;
    for (int st = 0; st < sp.stripes(); st++) {
      int parent = sp.parent(st);
      PeerTable.Peer p =
          parent == StripeParents.DRIVER || sp.isOpen(st) ? null : s.peers.get(parent);
      if (p == null || p.banned || p.inFlight >= maxPerPeer || now < p.busyUntil) {
        continue;
      }
      if (wanted == null) {
        wanted = s.wanted();
      }
      // this stripe's wanted pieces the parent does not hold yet, lowest first (stripes are
      // disjoint, so no other stripe's booking takes them)
      BitSet next = (BitSet) wanted.clone();
      next.and(sp.pieces(1 << st));
      next.andNot(p.pieces);
      for (int piece = next.nextSetBit(0);
          piece >= 0
              && p.inFlight < maxPerPeer
              && s.requests.toPeers < s.policy.limits().maxInFlight();
          piece = next.nextSetBit(piece + 1)) {
        out.add(
            new FetchAction.FetchFromPeer(
                s.requests.toPeer(p, piece, now), p.address, piece, true));
      }
    }
  }

  /**
   * How many distinct peers may be busy: fewer than all only while the driver still has pieces no
   * peer we know holds, and fewer peers let its pieces come faster (see {@link DriverPriority}).
   */
  private static int peerLimit(FetchScheduler s) {
    int limit = s.driverPriority.peerLimit();
    if (limit == DriverPriority.UNLIMITED) {
      return limit; // the usual case: nothing to check
    }
    boolean driverUsable =
        !s.driverHasNothing && s.now() >= s.driverBusyUntil && !s.exchange.driverGone();
    if (driverUsable) {
      BitSet notFromDriver = (BitSet) s.have.clone();
      notFromDriver.or(s.requests.inFlight);
      notFromDriver.or(s.peers.allPieces());
      notFromDriver(s, notFromDriver);
      driverUsable = notFromDriver.cardinality() + s.requests.toDriver < s.pieceCount;
    }
    if (!driverUsable) {
      s.driverPriority.driverUnavailable();
      return DriverPriority.UNLIMITED;
    }
    return limit;
  }

  /**
   * With stripe trees, adds to {@code exclude} the pieces of stripes whose parent is an executor,
   * open or not: the driver sends each piece once, so a fresh piece it gave an executor whose
   * parent died would never reach its stripe's root, nor anyone below it (simulated: every executor
   * short of two pieces when 1 % of 1,000 died). Once the driver is gone, every stripe is open and
   * none comes from it anyway.
   */
  private static void notFromDriver(FetchScheduler s, BitSet exclude) {
    if (s.stripes != null) {
      int fromDriver = s.stripes.fromDriver();
      int others = ~fromDriver & s.stripes.allStripes();
      if (others != 0) {
        exclude.or(s.stripes.pieces(others));
      }
    }
  }

  /** Books the next request to the driver; false if there is nothing to ask it for. */
  private static boolean bookDriver(FetchScheduler s, List<FetchAction> out) {
    BitSet wanted = s.wanted();
    if (wanted.isEmpty()
        || s.now() < s.driverBusyUntil
        || s.exchange.driverGone()
        || (s.stripesExpected && s.stripes == null)) {
      return false;
    }
    // A duplicate (a piece the driver already sent someone) costs the driver's link, the one every
    // byte must cross. Ask for one only when nothing else is moving, not even a question about who
    // holds what, to the tracker or to neighbours: then it is the only way forward.
    boolean stalled =
        s.requests.toDriver == 0 && s.requests.toPeers == 0 && !s.locating && !s.exchange.asking();
    if (s.driverHasNothing && !stalled) {
      return false;
    }
    BitSet exclude = (BitSet) s.have.clone();
    exclude.or(s.requests.inFlight);
    exclude.or(s.peers.allPieces());
    notFromDriver(s, exclude);
    // Each request in flight to the driver brings a piece outside the exclusion set: no more
    // requests than such pieces.
    if (exclude.cardinality() + s.requests.toDriver >= s.pieceCount) {
      return false;
    }
    boolean allowDuplicate = s.driverHasNothing;
    out.add(new FetchAction.FetchAnyFromDriver(s.requests.toDriver(-1), exclude, allowDuplicate));
    return true;
  }

  /** Books the next request to a peer; false if no usable peer holds a wanted piece. */
  private static boolean bookPeer(FetchScheduler s, int peerLimit, List<FetchAction> out) {
    long now = s.now();
    int maxPerPeer = s.policy.limits().maxPerPeer();
    BitSet wanted = s.wanted();
    // Pieces a slow peer alone could give wait while others can be asked (see SlowPeers).
    BitSet servable = s.peers.servable(now, maxPerPeer, peerLimit, false);
    servable.and(wanted);
    if (servable.isEmpty() && s.peers.anySlow()) {
      servable = s.peers.servable(now, maxPerPeer, peerLimit, true);
      servable.and(wanted);
    }
    if (servable.isEmpty()) {
      return endGame(s, now, out);
    }
    int lowest = s.policy.inOrderReader() ? s.have.nextClearBit(0) : -1; // see FetchPolicy
    int piece;
    BitSet fromParents = null;
    if (s.stripes != null && s.stripeRequestsAhead) {
      fromParents = (BitSet) servable.clone();
      fromParents.andNot(s.stripes.pieces(s.stripes.openStripes()));
    }
    if (fromParents != null && !fromParents.isEmpty()) {
      // a stripe still from its parent: in index order, as every node of its tree (bookAhead)
      piece = fromParents.nextSetBit(0);
    } else {
      piece =
          lowest >= 0 && servable.get(lowest)
              ? lowest
              : s.policy.pieces().select(servable, s.peers.holders());
    }
    PeerTable.Peer peer =
        s.peers.choose(piece, now, PeerTable.NO_PEER, maxPerPeer, s.policy.peers(), peerLimit);
    out.add(
        new FetchAction.FetchFromPeer(s.requests.toPeer(peer, piece, now), peer.address, piece));
    return true;
  }

  /**
   * Once every missing piece is being fetched, asks a second holder for a piece whose only request
   * the {@link EndGame} says has waited long enough; the first answer is kept and the other request
   * cancelled. Asks for a wake-up when the next such piece is due.
   */
  private static boolean endGame(FetchScheduler s, long now, List<FetchAction> out) {
    if (!s.wanted().isEmpty()) {
      return false;
    }
    long nextDue = Long.MAX_VALUE;
    for (int piece = s.requests.inFlight.nextSetBit(0);
        piece >= 0;
        piece = s.requests.inFlight.nextSetBit(piece + 1)) {
      if (s.requests.peerRequests[piece] != 1) {
        continue;
      }
      long due = s.policy.endGame().duplicateAt(s.requests.askedAt[piece]);
      if (now < due) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      PeerTable.Peer second =
          s.peers.choose(
              piece,
              now,
              s.requests.askedPeer[piece],
              s.policy.limits().maxPerPeer(),
              s.policy.peers());
      if (second != null) {
        out.add(
            new FetchAction.FetchFromPeer(
                s.requests.toPeer(second, piece, now), second.address, piece));
        return true;
      }
    }
    if (nextDue != Long.MAX_VALUE) {
      s.wakeups.at(nextDue, out);
    }
    return false;
  }
}
