package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The decisions of one executor's fetch of one broadcast, with no I/O: which piece to ask for, from
 * whom, when to ask the driver, when to give up on a peer, when to ask a second holder (the end
 * game).
 *
 * <p>It is driven by events — locations learned, a piece arrived, a piece was corrupt, a source was
 * busy or lost or refused, the driver declined or went away, a timer fired — and answers each with
 * the {@link FetchAction}s to carry out: requests (each with a token its outcome is reported
 * under), cancels, bans, a wake-up, done or fail. Where requests go is the {@link FetchStrategy}'s
 * choice ({@link FetchStrategy#torrent()} or {@link FetchStrategy#direct()}); which piece, which
 * holder and when to duplicate are the {@link FetchPolicy}'s. Time comes from the injected clock
 * and chance from the policy's {@code Random}, so the same events give the same actions: tests
 * drive it with no I/O, and a simulation can run thousands of them in one thread.
 *
 * <p>The adapter ({@code io.swarmcast.node.SwarmFetcher} on a real node) verifies pieces before it
 * reports them, stores them, and carries out the actions. Events after the fetch has finished, and
 * events for tokens the scheduler no longer knows (cancelled requests), yield no actions. Not
 * thread-safe: the adapter calls it under one lock.
 */
public final class FetchScheduler {
  /** How long a source that answered busy is left alone. */
  static final long BUSY_BACKOFF_NANOS = 20_000_000;

  /** Corrupt pieces from the driver after which the fetch fails (its pieces are the reference). */
  static final int MAX_DRIVER_CORRUPTIONS = 3;

  final int pieceCount;
  final FetchPolicy policy;
  final PeerTable peers;
  private final FetchStrategy strategy;
  private final LongSupplier clock;
  final BitSet have;
  final OutstandingRequests requests;

  /**
   * The driver declined: it has no piece it never sent outside our exclusion set. Cleared when a
   * source is lost.
   */
  boolean driverHasNothing;

  boolean locating; // an AskLocations is outstanding

  /** The tracker is asked only once the driver has declined (a one-piece broadcast). */
  boolean trackerDeferred;

  /**
   * A source was lost: ask the tracker for every holder again (notices name only a piece's first
   * holders).
   */
  boolean relocate;

  /**
   * Whether the driver has sent this fetch a piece: until then it is asked for one at a time (see
   * {@code TorrentStrategy#book}).
   */
  boolean driverSentOne;

  long driverBusyUntil = Long.MIN_VALUE;
  private int driverCorruptions;

  /** Whether to hold requests to peers back while the driver fills our link on its own. */
  final DriverPriority driverPriority = new DriverPriority();

  final Wakeups wakeups = new Wakeups();

  /** Pieces stored between two looks at how many pieces the neighbours hold. */
  static final int LAG_CHECK_EVERY = 2;

  /** Which peers serve far more slowly than the others. */
  final SlowPeers slowPeers = new SlowPeers();

  /** Where pieces are once the driver and its tracker are gone. */
  final PeerExchange exchange = new PeerExchange();

  /** This executor's stripe parents; null without stripe trees. */
  StripeParents stripes;

  /** Stripe parents will come with the tracker's answer: the driver is not asked before. */
  boolean stripesExpected;

  /** New stripe parents (adoptive ones, after a parent was lost) to ask what they hold. */
  final List<PeerAddress> adoptions = new ArrayList<>(0);

  /** With stripe trees, whether parents are asked for pieces before they hold them. */
  boolean stripeRequestsAhead;

  private boolean finished;

  /**
   * Times this fetch found itself short of neighbours with every question answered (see {@link
   * #askAgainIfShort}).
   */
  private int shortRelocates;

  /** At most this many: a set still short after them stays short. */
  static final int MAX_SHORT_RELOCATES = 3;

  /**
   * Short of neighbours: the next neighbour that tells of a piece, and was not asked again before,
   * is asked again for the holders it knows (see {@link #askAgainIfShort}).
   */
  private boolean shortOfNeighbours;

  private final Set<Integer> askedAgain = new HashSet<>();

  /**
   * @param alreadyHeld pieces already stored on this node (copied)
   * @param clock the time in nanoseconds, e.g. {@code System::nanoTime}
   */
  public FetchScheduler(
      int pieceCount,
      BitSet alreadyHeld,
      FetchStrategy strategy,
      FetchPolicy policy,
      LongSupplier clock) {
    if (pieceCount < 1) {
      throw new IllegalArgumentException("pieceCount < 1: " + pieceCount);
    }
    this.pieceCount = pieceCount;
    this.have = (BitSet) alreadyHeld.clone();
    this.have.clear(pieceCount, Math.max(pieceCount, have.length()));
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.peers = new PeerTable(pieceCount);
    this.requests = new OutstandingRequests(pieceCount, peers);
  }

  /** The first actions: {@link FetchAction.Done} at once if every piece is already here. */
  public List<FetchAction> start() {
    List<FetchAction> out = new ArrayList<>();
    if (have.cardinality() == pieceCount) {
      finish(out);
    } else {
      strategy.start(this, out);
    }
    return out;
  }

  /**
   * Whether a wanted piece is in a stripe whose parent is an executor not lost: its notices are
   * awaited, with nothing in flight (the parent has not received the stripe's next piece yet).
   */
  boolean waitingForStripeParents() {
    if (exchange.driverGone()) {
      return false;
    }
    if (stripes == null) {
      return stripesExpected;
    }
    BitSet wanted = wanted();
    for (int st = 0; st < stripes.stripes(); st++) {
      int parent = stripes.parent(st);
      if (parent != StripeParents.DRIVER
          && !stripes.isOpen(st)
          && wanted.intersects(stripes.pieces(1 << st))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Called before {@link #start}: the tracker's answer will carry this executor's stripe parents
   * ({@link #onStripeParents}), so the driver is not asked for a piece before it, which would send
   * a piece outside the trees.
   */
  public void expectStripeParents() {
    expectStripeParents(false);
  }

  /**
   * As {@link #expectStripeParents()}; with {@code requestAhead}, each parent is also asked for its
   * stripe's next pieces before it holds them ({@link FetchAction.FetchFromPeer#ahead}), which a
   * block server must hold until the piece is stored, and pieces are taken in index order.
   */
  public void expectStripeParents(boolean requestAhead) {
    stripesExpected = true;
    stripeRequestsAhead = requestAhead;
  }

  /**
   * This executor's parents in the broadcast's stripe trees ({@link StripeParents}), given with the
   * tracker's first answer: from now on a stripe's pieces come from its parent only, and from the
   * driver only for the stripes it is the parent of, until a parent is lost.
   */
  public List<FetchAction> onStripeParents(StripeParents parents) {
    // The first answer's parents stand for the whole fetch: a later answer (after a parent was
    // lost) is computed over the executors left, and would hand this one a new place in trees its
    // old parents and children still follow, and close the stripes opened since.
    if (stripes == null && parents.stripes() > 0) {
      this.stripes = parents;
      peers.stripes(parents);
    }
    return book();
  }

  /** The tracker's answer: who holds which pieces. */
  public List<FetchAction> onLocations(List<PeerPieces> holders) {
    locating = false;
    List<FetchAction> out = new ArrayList<>();
    List<PeerPieces> use = holders;
    if (policy.neighbourExchange() && !finished) {
      use = askNeighbours(holders, Integer.MAX_VALUE, out);
      askAgainIfShort(out, !exchange.asking());
    }
    for (PeerPieces h : use) {
      peers.addAll(h.peer(), h.pieces());
    }
    return book(out);
  }

  /**
   * New neighbours taken from one neighbour's answer at most: a set made up from a few neighbours'
   * answers, not all from the first to answer, is less clustered around one part of the swarm.
   */
  static final int NEIGHBOURS_FROM_ONE_PEER = 4;

  /**
   * The holders named that are or become neighbours: those asked already, and new ones (at most
   * {@code mostNew}) while fewer than the policy's neighbours are usable, who are asked what they
   * hold (they answer, and tell us of what comes). The set stays that size: an answer after a
   * source was lost replaces the neighbours lost, no more. Taking every executor named each time
   * grew the connections per executor to 125 when 1 % of 1,000 died (simulated), against about 45
   * without.
   */
  private List<PeerPieces> askNeighbours(
      List<PeerPieces> holders, int mostNew, List<FetchAction> out) {
    List<PeerPieces> use = new ArrayList<>();
    int room = Math.min(mostNew, neighbourLimit() - exchange.askedAndUsable(peers));
    for (PeerPieces h : holders) {
      if (exchange.wasAsked(h.peer().id())) {
        use.add(h);
      } else if (room > 0 && !peers.isBanned(h.peer().id())) {
        use.add(h);
        room--;
      }
    }
    List<PeerAddress> ask = exchange.askNew(use);
    if (!ask.isEmpty()) {
      out.add(new FetchAction.AskPeers(ask));
    }
    return use;
  }

  /**
   * Notes that the neighbour set is short if every neighbour has answered ({@code answered}), none
   * was just asked, and fewer than the policy's neighbours are usable: neighbours that had not
   * begun to fetch this broadcast know nobody yet (a driver ships its handle to one executor after
   * another, and in a swarm starting at once the tracker's answers reach some neighbours after
   * their askers' questions). Without more names, one executor of 8 kept 4 neighbours and finished
   * last, at 1.4 × (emulated).
   *
   * <p>The neighbour that next tells of a piece has begun to fetch, so it knows its own neighbours
   * by then: it is asked again ({@link #onHave}), not the tracker. Asking the tracker again was 13
   * % of its answers at 10,000 executors (simulated), 0.2 % of the value on the driver's link. The
   * tracker is asked only when every usable neighbour was asked again already. At most {@link
   * #MAX_SHORT_RELOCATES} times a fetch.
   */
  private void askAgainIfShort(List<FetchAction> out, boolean answered) {
    if (answered
        && !shortOfNeighbours
        && out.stream().noneMatch(FetchAction.AskPeers.class::isInstance)
        && isShortOfNeighbours()
        && shortRelocates < MAX_SHORT_RELOCATES) {
      shortRelocates++;
      askedAgain.removeIf(peers::isBanned);
      if (askedAgain.size() >= exchange.askedAndUsable(peers)) {
        relocate = true;
      } else {
        shortOfNeighbours = true;
      }
    }
  }

  /**
   * The neighbours this fetch keeps: with stripe trees and no stripe open, its parents alone (their
   * notices are all it uses); once a stripe opens, the policy's, so that the stripe comes from many
   * holders a little each: a tree has no spare upload, and one mesh neighbour's, already full with
   * its own children, left 1 % of 1,000 executors' orphans at 1.49 × (simulated).
   */
  private int neighbourLimit() {
    return stripes != null && !stripes.anyOpen() ? stripes.executorParents() : policy.neighbours();
  }

  private boolean isShortOfNeighbours() {
    return exchange.askedAndUsable(peers) < neighbourLimit();
  }

  /** The tracker could not answer. */
  public List<FetchAction> onLocationsFailed(Throwable cause) {
    locating = false;
    return fail(cause);
  }

  /**
   * A notice that {@code peer} now holds {@code piece}. A notice of a piece this executor holds,
   * from a peer it already knew, changes nothing it could book: with neighbours, many notices are
   * such (one from each neighbour for every piece), and booking again for each was work for
   * nothing.
   */
  public List<FetchAction> onHave(PeerAddress peer, int piece) {
    boolean known = peers.add(peer, piece);
    if (shortOfNeighbours && !isShortOfNeighbours()) {
      shortOfNeighbours = false; // an answer filled the set meanwhile
    }
    if (shortOfNeighbours
        && !finished
        && !exchange.asking()
        && exchange.wasAsked(peer.id())
        && !peers.isBanned(peer.id())
        && askedAgain.add(peer.id())) {
      shortOfNeighbours = false;
      exchange.askAgain();
      return book(new ArrayList<>(List.of(new FetchAction.AskPeers(List.of(peer)))));
    }
    if (known && piece >= 0 && piece < pieceCount && have.get(piece)) {
      return List.of();
    }
    return book();
  }

  /**
   * The request {@code token} brought {@code piece}, verified against its checksum. The adapter
   * stores it if {@link #wants} said so just before this call, under the same lock. A piece is a
   * piece: one that arrives for a request already given up (a stalled peer's late answer) still
   * counts, and any other request for it is cancelled.
   */
  public List<FetchAction> onPiece(long token, int piece) {
    return onPiece(token, piece, 0);
  }

  /**
   * As {@link #onPiece(long, int)}, with the piece's size in bytes: the arrivals' rates decide
   * whether the driver alone fills this executor's link (see {@link DriverPriority}).
   */
  public List<FetchAction> onPiece(long token, int piece, int bytes) {
    if (finished) {
      return List.of();
    }
    int busyPeers = bytes > 0 ? peers.busyPeers() : 0; // before the request ends its peer's
    OutstandingRequests.Request r = requests.end(token);
    if (r != null) {
      driverPriority.arrived(
          clock.getAsLong(), bytes, r.source() == OutstandingRequests.DRIVER, busyPeers);
      driverSentOne |= r.source() == OutstandingRequests.DRIVER;
      judge(r, bytes);
    }
    if (!wants(piece)) {
      return r != null ? book() : List.of();
    }
    List<FetchAction> out = new ArrayList<>();
    have.set(piece);
    exchange.stored(clock.getAsLong());
    if (stripes != null && stripes.stored(piece)) {
      relocate = true; // a stripe fell behind and was opened: the tracker names other holders
    }
    int held = have.cardinality();
    if (policy.neighbourExchange()
        && held % LAG_CHECK_EVERY == 0
        && slowPeers.judgeLag(peers, exchange.asked())
        && isShortOfNeighbours()) {
      shortOfNeighbours = true;
    }
    // Another request for it (the end game's, or one made after its first holder stalled) is no
    // longer wanted.
    requests.endDuplicates(piece).forEach(t -> out.add(new FetchAction.Cancel(t)));
    if (held == pieceCount) {
      finish(out);
      return out;
    }
    return book(out);
  }

  /**
   * Judges the peer that sent a piece by how long it took (see {@link SlowPeers}). A neighbour
   * judged slow no longer counts towards the set: the next neighbour that tells of a piece is asked
   * for the holders it knows, and one of them takes its place.
   */
  private void judge(OutstandingRequests.Request r, int bytes) {
    if (bytes <= 0 || r.source() == OutstandingRequests.DRIVER) {
      return;
    }
    PeerTable.Peer p = peers.get(r.source());
    if (p != null
        && slowPeers.served(peers, p, bytes, clock.getAsLong() - r.sentAt())
        && policy.neighbourExchange()
        && exchange.wasAsked(p.address.id())
        && isShortOfNeighbours()) {
      shortOfNeighbours = true;
    }
  }

  /**
   * The request {@code token} brought bytes that fail their checksum (or the wrong piece). The
   * piece is asked of another holder; a peer that sent {@code maxBadPieces} such pieces is banned,
   * the driver after {@value #MAX_DRIVER_CORRUPTIONS} fails the fetch (its pieces are the
   * reference).
   */
  public List<FetchAction> onCorrupt(long token) {
    OutstandingRequests.Request r = end(token);
    if (r == null) {
      return List.of();
    }
    if (r.source() == OutstandingRequests.DRIVER) {
      if (++driverCorruptions >= MAX_DRIVER_CORRUPTIONS) {
        return fail(
            new CorruptPieceException(
                "the driver sent " + driverCorruptions + " pieces that fail their checksum"));
      }
      return book();
    }
    // The piece is asked of another holder; the peer, after maxBadPieces such pieces, of nothing.
    List<FetchAction> out = new ArrayList<>();
    PeerTable.Peer p = peers.get(r.source());
    if (p == null || ++p.badPieces >= policy.limits().maxBadPieces()) {
      if (!peers.isBanned(r.source())) {
        out.add(new FetchAction.BanPeer(r.source(), FetchAction.BanPeer.Reason.CORRUPT));
      }
      lose(r.source());
    } else {
      peers.lostPiece(r.source(), r.piece());
      driverHasNothing = false;
      relocate = true;
    }
    return book(out);
  }

  /**
   * The source of {@code token} is busy: it is left alone for a while, and the piece asked of
   * others.
   */
  public List<FetchAction> onBusy(long token) {
    OutstandingRequests.Request r = end(token);
    if (r == null) {
      return List.of();
    }
    long until = clock.getAsLong() + BUSY_BACKOFF_NANOS;
    if (r.source() == OutstandingRequests.DRIVER) {
      driverBusyUntil = until;
    } else {
      PeerTable.Peer p = peers.get(r.source());
      if (p != null) {
        peers.busyUntil(p, until);
      }
    }
    return book();
  }

  /**
   * The source of {@code token} answered that it cannot serve the piece: a peer no longer has it
   * (unpersisted, or an announcement raced), so it is asked of others; the driver's refusal (an
   * unknown or destroyed broadcast) ends the fetch.
   */
  public List<FetchAction> onRefused(long token, Throwable cause) {
    OutstandingRequests.Request r = end(token);
    if (r == null) {
      return List.of();
    }
    if (r.source() == OutstandingRequests.DRIVER) {
      return fail(cause);
    }
    if (peers.lostPiece(r.source(), r.piece())) {
      driverHasNothing = false;
      relocate = true;
    }
    return book();
  }

  /**
   * The request {@code token} failed: connection lost, timeout, or a broken protocol. A peer is
   * banned for the rest of the fetch and its pieces asked of others; without the driver the fetch
   * fails.
   */
  public List<FetchAction> onSourceFailed(long token, Throwable cause) {
    OutstandingRequests.Request r = end(token);
    if (r == null) {
      return List.of();
    }
    if (r.source() == OutstandingRequests.DRIVER) {
      return fail(cause);
    }
    List<FetchAction> out = new ArrayList<>();
    if (!peers.isBanned(r.source())) {
      out.add(new FetchAction.BanPeer(r.source(), FetchAction.BanPeer.Reason.FAILED));
    }
    lose(r.source());
    return book(out);
  }

  /**
   * The driver declined a request for any piece: it has none it never sent outside our exclusions.
   */
  public List<FetchAction> onDriverDeclined(long token) {
    OutstandingRequests.Request r = end(token);
    if (r == null) {
      return List.of();
    }
    driverHasNothing = true;
    List<FetchAction> out = new ArrayList<>();
    if (trackerDeferred) {
      trackerDeferred = false;
      locating = true;
      out.add(new FetchAction.AskLocations());
    }
    return book(out);
  }

  /**
   * The driver went away. Its outstanding requests are dropped, not failed: the fetch goes on with
   * the peers, asking them (not the tracker) where pieces are, and fails only once it is clear that
   * no reachable executor has some piece. A fetch that knows no peer at all fails at once.
   */
  public List<FetchAction> onDriverLost(Throwable cause) {
    if (stripes != null) {
      stripes.openAll(); // the trees' roots lost their source: any holder, as in the mesh
    }
    return exchange.onDriverLost(this, cause);
  }

  /**
   * The driver is back: the same incarnation, after a broken link, took this executor again. The
   * fetch asks it and its tracker as before it left; answers to questions already put to peers
   * still count.
   */
  public List<FetchAction> onDriverBack() {
    askedAgain.clear(); // every neighbour is worth asking again, as every peer is (PeerExchange)
    shortOfNeighbours = false;
    return exchange.onDriverBack(this);
  }

  /**
   * {@code from} answered which pieces it and the holders it knows hold (peer exchange, after the
   * driver left).
   */
  public List<FetchAction> onPeerLocations(PeerAddress from, List<PeerPieces> holders) {
    if (policy.neighbourExchange() && !exchange.driverGone()) {
      // A neighbour's own pieces, and, while this fetch has fewer neighbours than it keeps, some of
      // the holders it names, asked in turn: the tracker names only a few (its answers were most of
      // the driver's control bytes at 10,000 executors), and neighbours' neighbours make up the
      // rest. The others named are not used: fetching from them would grow the connections beyond
      // the set.
      List<FetchAction> out = new ArrayList<>();
      List<PeerPieces> named = holders.stream().filter(h -> h.peer().id() != from.id()).toList();
      List<PeerPieces> own = holders.stream().filter(h -> h.peer().id() == from.id()).toList();
      if (!finished) {
        askNeighbours(named, NEIGHBOURS_FROM_ONE_PEER, out);
        askAgainIfShort(out, exchange.lastQuestion());
      }
      return exchange.onPeerLocations(this, own, out);
    }
    if (policy.neighbourExchange()) {
      // The driver is gone: the answering neighbour's own pieces are sources; the holders it names
      // are asked only if a piece no neighbour holds stops coming (see PeerExchange#toAsk).
      List<PeerPieces> own = new ArrayList<>(1);
      for (PeerPieces h : holders) {
        if (h.peer().id() == from.id()) {
          own.add(h);
        } else {
          exchange.named(this, h);
        }
      }
      return exchange.onPeerLocations(this, own, new ArrayList<>());
    }
    return exchange.onPeerLocations(this, holders, new ArrayList<>());
  }

  /**
   * The connection to {@code peer} closed (its process ended) while no request to it was out: it is
   * banned like a peer whose request failed, and a stripe it was the parent of is opened. With
   * stripe trees a child often waits for its parent's next notice with nothing in flight, and would
   * otherwise wait for ever.
   */
  public List<FetchAction> onPeerLost(PeerAddress peer) {
    if (finished || peers.isBanned(peer.id())) {
      return List.of();
    }
    List<FetchAction> out = new ArrayList<>();
    out.add(new FetchAction.BanPeer(peer.id(), FetchAction.BanPeer.Reason.FAILED));
    lose(peer.id());
    return book(out);
  }

  /** {@code from} could not be asked: it is banned like any peer that fails. */
  public List<FetchAction> onPeerLocationsFailed(PeerAddress from, Throwable cause) {
    return exchange.onPeerLocationsFailed(this, from);
  }

  /**
   * A wake-up asked for by {@link FetchAction.WakeAt} is due. Peer requests older than the policy's
   * peer timeout are given up: cancelled, their peer banned as stalled, their pieces asked
   * elsewhere. Once the driver is gone, a fetch whose pieces stopped coming may now ask beyond its
   * neighbours (see {@code PeerExchange#toAsk}).
   */
  public List<FetchAction> onTimer() {
    long now = clock.getAsLong();
    wakeups.fired(now);
    List<FetchAction> out = new ArrayList<>();
    if (!finished) {
      for (OutstandingRequests.Request r :
          requests.toPeersSentBy(now - policy.peerTimeout().toNanos())) {
        requests.end(r.token());
        out.add(new FetchAction.Cancel(r.token()));
        if (!peers.isBanned(r.source())) {
          out.add(new FetchAction.BanPeer(r.source(), FetchAction.BanPeer.Reason.STALLED));
        }
        lose(r.source());
      }
    }
    return book(out);
  }

  /**
   * Stops the fetch (the adapter was cancelled): returns the cancels of every outstanding request.
   */
  public List<FetchAction> stop() {
    List<FetchAction> out = new ArrayList<>();
    if (!finished) {
      finished = true;
      cancelAll(out);
    }
    return out;
  }

  /**
   * Whether {@code piece} is in range and not yet here: the adapter stores an arriving piece only
   * then.
   */
  public boolean wants(int piece) {
    return !finished && piece >= 0 && piece < pieceCount && !have.get(piece);
  }

  public boolean isFinished() {
    return finished;
  }

  /** Pieces held (a copy). */
  public BitSet held() {
    return (BitSet) have.clone();
  }

  /** How many peers this fetch knows and has not banned. */
  public int knownPeers() {
    return peers.size();
  }

  /** Requests outstanding, to the driver and to peers. */
  public int outstanding() {
    return requests.size();
  }

  long now() {
    return clock.getAsLong();
  }

  /** Pieces neither held nor being fetched. */
  BitSet wanted() {
    BitSet wanted = new BitSet(pieceCount);
    wanted.set(0, pieceCount);
    wanted.andNot(have);
    wanted.andNot(requests.inFlight);
    return wanted;
  }

  /** Removes an outstanding request; null if the token is unknown or the fetch finished. */
  private OutstandingRequests.Request end(long token) {
    return finished ? null : requests.end(token);
  }

  /**
   * A peer is gone for this fetch: its pieces may now have to come from the driver, or from holders
   * the tracker knows.
   */
  void lose(int peerId) {
    if (stripes != null) {
      adoptions.addAll(stripes.lost(peerId)); // its stripes from adoptive parents, or opened
    }
    peers.ban(peerId);
    driverHasNothing = false;
    relocate = true;
  }

  List<FetchAction> book() {
    return book(new ArrayList<>());
  }

  /**
   * Lets the strategy book what it can; fails a fetch that cannot finish; arms the next wake-up.
   */
  List<FetchAction> book(List<FetchAction> out) {
    if (!finished) {
      strategy.book(this, out);
      wakeups.forDeadlines(
          this, clock.getAsLong(), out); // before the check: a busy peer is something to wait for
      IllegalStateException stuck = exchange.cannotFinish(this);
      if (stuck != null) {
        out.addAll(fail(stuck));
      }
    }
    return out;
  }

  List<FetchAction> fail(Throwable cause) {
    List<FetchAction> out = new ArrayList<>();
    if (!finished) {
      finished = true;
      cancelAll(out);
      out.add(new FetchAction.Fail(cause));
    }
    return out;
  }

  private void finish(List<FetchAction> out) {
    finished = true;
    cancelAll(out);
    out.add(new FetchAction.Done());
  }

  /** Cancels every outstanding request, once the fetch has finished or stopped. */
  private void cancelAll(List<FetchAction> out) {
    requests.endAll().forEach(t -> out.add(new FetchAction.Cancel(t)));
  }
}
