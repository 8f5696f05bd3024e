package io.swarmcast.sim;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.protocol.AnnounceMany;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.swarm.AnnouncementBatch;
import io.swarmcast.swarm.FetchAction;
import io.swarmcast.swarm.FetchPolicy;
import io.swarmcast.swarm.FetchScheduler;
import io.swarmcast.swarm.FetchStrategy;
import io.swarmcast.swarm.NamedHolders;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.PeerPieces;
import io.swarmcast.swarm.StripeParents;
import io.swarmcast.swarm.UploadQueue;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * An executor in a simulation: the real {@link FetchScheduler} (with the node's own strategy and
 * policy) whose actions become messages and flows on the modelled network, and whose events come
 * back from them, as {@code SwarmFetcher} does on a real node; and the executor's block server,
 * which serves its pieces to peers behind the real {@link UploadQueue} policy, answering "busy"
 * past it.
 */
final class SimExecutor implements FetchAction.Handler {
  private final Simulation sim;
  final FlowNetwork.Host host;
  final String hostName;
  final int port;

  /** The tracker's id, once joined; -1 before. */
  int id = -1;

  PeerAddress address;
  final boolean slow;
  private FetchScheduler scheduler;

  /** Which stored pieces are announced at once and which in a batch, as on a real executor. */
  private AnnouncementBatch announcements;

  private final BitSet held = new BitSet();
  private final Set<Long> cancelled = new HashSet<>();
  private final UploadQueue<Integer, Request> uploads;

  /**
   * Requests accepted by this block server (waiting or being sent): their askers learn if it dies.
   */
  private final Set<Request> accepted = new LinkedHashSet<>();

  /** With the driver gone: what this executor knows of others (peer exchange), and who asked it. */
  private final KnownHolders known;

  /** Where an answer to a peer starts in the holders known ({@link NamedHolders}). */
  private final Random random;

  /** In the order they asked: notices go out in that order, so a run is a function of its seed. */
  private final Set<SimExecutor> subscribers = new LinkedHashSet<>();

  long startedAt = -1;
  long finishedAt = -1;
  Throwable failure;
  long fromDriverBytes;
  long fromPeersBytes;
  int bans;

  /** A peer's request for a piece. */
  private record Request(SimExecutor from, long token, int piece) {}

  SimExecutor(
      Simulation sim,
      FlowNetwork.Host host,
      String hostName,
      int port,
      boolean slow,
      int uploadSlots,
      int maxWaiting,
      boolean exchange,
      Random random) {
    this.sim = sim;
    this.host = host;
    this.hostName = hostName;
    this.port = port;
    this.slow = slow;
    this.uploads =
        new UploadQueue<>(uploadSlots, maxWaiting, SwarmNode.MAX_PIECES_QUEUED_PER_CONNECTION);
    this.known =
        exchange ? new KnownHolders() : null; // in the order learned, as PeerDirectory keeps them
    this.random = random;
  }

  /** Pieces stored so far. */
  int heldCount() {
    return held.cardinality();
  }

  boolean isDone() {
    return finishedAt >= 0;
  }

  boolean isAlive() {
    return host.alive;
  }

  /** Joins (the driver registers it) and starts fetching. */
  void start(FetchPolicy policy) {
    address = new PeerAddress(id, hostName, port);
    startedAt = sim.loop.now();
    scheduler =
        new FetchScheduler(
            sim.pieceCount(), new BitSet(), FetchStrategy.torrent(), policy, sim.loop::now);
    if (sim.stripes() > 0) {
      scheduler.expectStripeParents(sim.stripesAhead());
    }
    announcements =
        new AnnouncementBatch(
            sim.pieceCount(),
            new BitSet(),
            policy.neighbourExchange() ? AnnouncementBatch.BATCHES : 0);
    run(scheduler.start());
  }

  private void on(Function<FetchScheduler, List<FetchAction>> event) {
    if (scheduler != null && host.alive) {
      run(event.apply(scheduler));
    }
  }

  private void run(List<FetchAction> actions) {
    for (FetchAction a : actions) {
      a.applyTo(this);
    }
  }

  // ---- what comes back ----

  /**
   * The tracker's answer, with this executor's stripe parents ({@code null} in the mesh): given to
   * the scheduler first, so the names that follow are judged by them.
   */
  void onLocations(Locations loc, StripeParents stripeParents) {
    if (stripeParents != null) {
      on(s -> s.onStripeParents(stripeParents));
    }
    onLocations(loc);
  }

  void onLocations(Locations loc) {
    List<PeerPieces> holders = new ArrayList<>(loc.holders().size());
    for (Locations.Holder h : loc.holders()) {
      PeerPieces p =
          new PeerPieces(new PeerAddress(h.executorId(), h.host(), h.port()), h.pieces());
      holders.add(p);
      learn(p);
    }
    on(s -> s.onLocations(holders));
  }

  void onHave(Have h) {
    onHave(new PeerAddress(h.executorId(), h.host(), h.port()), h.piece());
  }

  /**
   * A {@code Have} of {@code piece} from {@code peer}: the address made once for every receiver.
   */
  private void onHave(PeerAddress peer, int piece) {
    if (known != null && peer.id() != id) { // learn(), for one piece: no BitSet made per notice
      known.getOrAdd(peer).pieces().set(piece);
    }
    on(s -> s.onHave(peer, piece));
  }

  void onPieceArrived(long token, int piece, boolean fromDriver) {
    if (cancelled.remove(token)) {
      return; // the connection frees a piece nobody waits for
    }
    if (scheduler != null && scheduler.wants(piece)) {
      held.set(piece);
      int bytes = sim.pieceSize(piece);
      if (fromDriver) {
        fromDriverBytes += bytes;
      } else {
        fromPeersBytes += bytes;
      }
      sim.pieceStored();
      SimDriver driver = sim.driver;
      BitSet batch = announcements.stored(piece, fromDriver);
      if (announcements.announcedAlone(fromDriver)) {
        sim.network.control(
            host, driver.host, Frames.ANNOUNCE, () -> driver.onAnnounce(this, piece));
      }
      if (batch != null) {
        AnnounceMany many = new AnnounceMany(SimDriver.BROADCAST_ID, sim.pieceCount(), batch);
        sim.network.control(
            host, driver.host, Frames.of(many), () -> driver.onAnnounceMany(this, batch));
      }
      if (!subscribers.isEmpty()) {
        Have have = new Have(SimDriver.BROADCAST_ID, piece, id, hostName, port);
        int haveBytes = Frames.of(have); // once, not per subscriber: it parses the host each time
        sim.network.controlToEach(
            host, subscribers, s -> s.host, haveBytes, s -> s.onHave(address, piece));
      }
    } else if (fromDriver && held.get(piece)) {
      // Already here: announced all the same, so the driver's upload slot frees (SwarmFetcher does
      // so).
      SimDriver driver = sim.driver;
      sim.network.control(host, driver.host, Frames.ANNOUNCE, () -> driver.onAnnounce(this, piece));
    }
    on(s -> s.onPiece(token, piece, sim.pieceSize(piece)));
    List<Request> waiting = awaited.isEmpty() ? null : awaited.remove(piece);
    if (waiting != null) {
      for (Request r : waiting) {
        if (r.from.host.alive) {
          serve(r.from, r.token, r.piece);
        }
      }
    }
  }

  void onBusy(long token) {
    if (!cancelled.remove(token)) {
      on(s -> s.onBusy(token));
    }
  }

  void onDriverDeclined(long token) {
    if (!cancelled.remove(token)) {
      on(s -> s.onDriverDeclined(token));
    }
  }

  void onRefused(long token) {
    if (!cancelled.remove(token)) {
      on(s -> s.onRefused(token, new IllegalStateException("the peer does not hold that piece")));
    }
  }

  void onSourceFailed(long token) {
    if (!cancelled.remove(token)) {
      on(s -> s.onSourceFailed(token, new IllegalStateException("connection lost")));
    }
  }

  void onDriverLost() {
    on(s -> s.onDriverLost(new IllegalStateException("the driver is gone")));
  }

  // ---- what the scheduler asks for ----

  @Override
  public void askLocations(FetchAction.AskLocations action) {
    SimDriver driver = sim.driver;
    sim.network.control(host, driver.host, Frames.GET_LOCATIONS, () -> driver.onGetLocations(this));
  }

  @Override
  public void askPeers(FetchAction.AskPeers action) {
    for (PeerAddress p : action.peers()) {
      SimExecutor peer = sim.executor(p.id());
      sim.network.connect(host, peer.host);
      sim.network.control(
          host,
          peer.host,
          Frames.GET_LOCATIONS,
          () -> peer.answerPeer(this),
          () -> on(s -> s.onPeerLocationsFailed(p, new IllegalStateException("unreachable"))));
    }
  }

  /** A peer asked what this executor holds and knows, once the driver was gone: peer exchange. */
  private void answerPeer(SimExecutor asker) {
    List<Locations.Holder> holders = new ArrayList<>();
    holders.add(new Locations.Holder(id, hostName, port, (BitSet) held.clone()));
    if (known != null) {
      List<PeerPieces> named =
          NamedHolders.pick(
              known.inOrder(),
              p -> p.peer().id() == id || p.peer().id() == asker.id,
              NamedHolders.MOST,
              random);
      for (PeerPieces p : named) {
        holders.add(
            new Locations.Holder(
                p.peer().id(), p.peer().host(), p.peer().port(), (BitSet) p.pieces().clone()));
      }
    }
    subscribers.add(asker);
    Locations loc = new Locations(1, SimDriver.BROADCAST_ID, sim.pieceCount(), holders);
    sim.network.control(
        host,
        asker.host,
        Frames.of(loc),
        () -> {
          List<PeerPieces> list = new ArrayList<>();
          for (Locations.Holder h : loc.holders()) {
            PeerPieces pp =
                new PeerPieces(new PeerAddress(h.executorId(), h.host(), h.port()), h.pieces());
            list.add(pp);
            asker.learn(pp);
          }
          asker.on(s -> s.onPeerLocations(address, list));
        });
  }

  private void learn(PeerPieces p) {
    if (known != null && p.peer().id() != id) {
      known.getOrAdd(p.peer()).pieces().or(p.pieces());
    }
  }

  @Override
  public void fetchFromPeer(FetchAction.FetchFromPeer a) {
    SimExecutor peer = sim.executor(a.peer().id());
    sim.network.connect(host, peer.host);
    sim.network.control(
        host,
        peer.host,
        Frames.FETCH_PIECE,
        () -> peer.serve(this, a.token(), a.piece()),
        () -> onSourceFailed(a.token()));
  }

  @Override
  public void fetchFromDriver(FetchAction.FetchFromDriver a) {
    throw new UnsupportedOperationException("the simulation runs the torrent strategy");
  }

  @Override
  public void fetchAnyFromDriver(FetchAction.FetchAnyFromDriver a) {
    SimDriver driver = sim.driver;
    sim.network.control(
        host,
        driver.host,
        driver.fetchAnyFrame(),
        () -> driver.onFetchAny(this, a.token(), a.exclude(), a.allowDuplicate()),
        null);
  }

  @Override
  public void cancel(FetchAction.Cancel a) {
    cancelled.add(a.token());
  }

  @Override
  public void banPeer(FetchAction.BanPeer a) {
    bans++;
  }

  @Override
  public void wakeAt(FetchAction.WakeAt a) {
    sim.loop.at(a.nanoTime(), () -> on(FetchScheduler::onTimer));
  }

  @Override
  public void done(FetchAction.Done a) {
    finishedAt = sim.loop.now();
    sim.executorEnded(this);
  }

  @Override
  public void fail(FetchAction.Fail a) {
    failure = a.cause();
    sim.executorEnded(this);
  }

  // ---- the block server ----

  /**
   * Requests for pieces this executor does not hold yet but is fetching (a child's request ahead,
   * with stripe trees), by piece: served once the piece is stored.
   */
  private final Map<Integer, List<Request>> awaited = new HashMap<>();

  /** A peer asks for a piece: queued behind the upload slots, or "busy". */
  private void serve(SimExecutor from, long token, int piece) {
    Request r = new Request(from, token, piece);
    if (sim.stripesAhead()
        && !held.get(piece)
        && scheduler != null
        && scheduler.wants(piece)
        && host.alive) {
      awaited.computeIfAbsent(piece, p -> new ArrayList<>(2)).add(r);
      return;
    }
    if (!uploads.offer(from.id, r)) {
      sim.network.control(host, from.host, Frames.BUSY, () -> from.onBusy(token));
      return;
    }
    accepted.add(r);
    drain();
  }

  private void drain() {
    if (!host.alive) {
      return;
    }
    UploadQueue.Started<Integer, Request> next;
    while ((next = uploads.poll()) != null) {
      Request r = next.upload();
      uploads.confirmed(); // a peer's upload needs no confirmation
      if (!r.from.host.alive) {
        uploads.finished(next);
        accepted.remove(r);
      } else if (!held.get(r.piece)) {
        uploads.finished(next);
        accepted.remove(r);
        sim.network.control(host, r.from.host, Frames.FAILURE, () -> r.from.onRefused(r.token));
      } else {
        UploadQueue.Started<Integer, Request> started = next;
        // The slot frees when the write completes; the request is answered only when the piece
        // arrives, so a death in between fails it, as a real closed connection does.
        sim.network.send(
            host,
            r.from.host,
            Frames.piece(sim.pieceSize(r.piece)),
            () -> {
              uploads.finished(started);
              drain();
            },
            () -> {
              if (accepted.remove(r)) {
                r.from.onPieceArrived(r.token, r.piece, false);
              }
            });
      }
    }
  }

  /**
   * This executor's process ends: its flows stop, and whoever waits for a piece from it learns the
   * connection closed.
   */
  void die() {
    sim.network.kill(host);
    long path = host.latencyNanos * 2;
    for (Request r : accepted) {
      sim.loop.after(path, () -> r.from.onSourceFailed(r.token));
    }
    accepted.clear();
    for (List<Request> waiting : awaited.values()) {
      for (Request r : waiting) {
        sim.loop.after(path, () -> r.from.onSourceFailed(r.token));
      }
    }
    awaited.clear();
    if (sim.stripes() > 0) {
      // Its connections close, and the executors that asked it (its children among them) see it:
      // in the mesh that has always been left to their requests failing, which the trees' children
      // may not have out.
      for (SimExecutor s : subscribers) {
        sim.loop.after(path, () -> s.on(f -> f.onPeerLost(address)));
      }
    }
  }
}
