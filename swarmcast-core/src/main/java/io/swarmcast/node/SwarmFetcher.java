package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.AnnounceMany;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.FetchReport;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.protocol.ProtocolException;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.swarm.AnnouncementBatch;
import io.swarmcast.swarm.FetchAction;
import io.swarmcast.swarm.FetchScheduler;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.PeerPieces;
import io.swarmcast.swarm.TransferStats;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.ConnectionPool;
import io.swarmcast.transport.RemoteException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects one {@link FetchScheduler} to the network and the block manager: carries out its actions
 * as requests on the driver's connection and on pooled peer connections, verifies every piece
 * against its CRC32C before reporting it, stores and announces what arrives, and reports each
 * outcome back as an event. All decisions are the scheduler's; this class only translates.
 *
 * <p>Thread-safe: the scheduler is called under this object's lock, which {@link #cancel} also
 * takes, so no piece is stored after a removal that follows a cancel; network sends happen outside
 * it.
 */
final class SwarmFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmFetcher.class);

  private final long broadcastId;
  private final int pieceCount;

  /** Judges each arriving piece against the driver's checksums, before it is stored or served. */
  private final PieceVerifier verifier;

  private final FetchScheduler scheduler;

  /**
   * Which stored pieces are announced now, and which in a later batch; under this object's lock.
   */
  private final AnnouncementBatch announcements;

  private final BlockManager blocks;

  /**
   * The connection to the driver; replaced when the same driver takes this executor again after a
   * broken link.
   */
  private volatile Connection driver;

  private final ConnectionPool peerPool;
  private final TransferStats stats;
  private final PeerDirectory directory;

  /** This executor as its peers know it, for the {@link Have} notices it sends them. */
  private final PeerAddress self;

  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final ActionRunner runner = new ActionRunner();

  /**
   * Outstanding requests' answers by token, so a cancel can drop one; tokens cancelled before their
   * request was sent.
   */
  private final Map<Long, CompletableFuture<Message>> answers = new HashMap<>();

  private final Set<Long> cancelledEarly = new HashSet<>();
  private final long startNanos = System.nanoTime();
  private long firstPieceNanos = -1;

  /**
   * For the fetch's report: bytes stored from the driver and from each peer, pieces refused, peers
   * banned; under this object's lock.
   */
  private long fromDriverBytes;

  private final Map<Integer, Long> fromPeers = new HashMap<>();
  private int corruptPieces;
  private final List<Integer> bannedPeers = new ArrayList<>();

  SwarmFetcher(
      long broadcastId,
      int pieceCount,
      PieceVerifier verifier,
      FetchScheduler scheduler,
      AnnouncementBatch announcements,
      BlockManager blocks,
      Connection driver,
      ConnectionPool peerPool,
      TransferStats stats,
      PeerDirectory directory,
      PeerAddress self) {
    this.broadcastId = broadcastId;
    this.pieceCount = pieceCount;
    this.verifier = verifier;
    this.scheduler = scheduler;
    this.announcements = announcements;
    this.blocks = blocks;
    this.driver = driver;
    this.peerPool = peerPool;
    this.stats = stats;
    this.directory = directory;
    this.self = self;
    directory.fetching(broadcastId, pieceCount);
  }

  /**
   * Starts fetching; the future completes when every piece is stored here, or fails with the
   * reason.
   */
  CompletableFuture<Void> start() {
    on(FetchScheduler::start);
    return done;
  }

  /** Stops the fetch; pieces already stored stay. */
  void cancel(RuntimeException reason) {
    List<FetchAction> cancels;
    synchronized (this) {
      done.completeExceptionally(reason);
      cancels = scheduler.stop();
    }
    run(cancels);
  }

  /** Nanoseconds from the fetch's start to its first stored piece; -1 if none was stored. */
  synchronized long firstPieceNanos() {
    return firstPieceNanos;
  }

  PieceVerifier verifier() {
    return verifier;
  }

  /** The fetch's outcome, for a second caller while it runs. */
  CompletableFuture<Void> future() {
    return done;
  }

  /** A notice, from the tracker or from the peer itself, that a peer now holds a piece. */
  void onHave(Have h) {
    PeerAddress peer = new PeerAddress(h.executorId(), h.host(), h.port());
    if (h.piece() >= 0 && h.piece() < pieceCount) {
      BitSet one = new BitSet();
      one.set(h.piece());
      directory.learned(broadcastId, peer, one);
    }
    on(s -> s.onHave(peer, h.piece()));
  }

  /**
   * The driver's connection closed: the fetch goes on with the peers (see {@link
   * FetchScheduler#onDriverLost}) and fails only if they cannot finish it.
   */
  void driverLost(Throwable cause) {
    if (verifier instanceof ChecksumFollower f) {
      f.driverLost(cause); // fails the fetch if the driver had not vouched for every piece yet
    }
    on(s -> s.onDriverLost(cause));
  }

  /**
   * The same driver took this executor again, over {@code connection}: the fetch asks it and its
   * tracker again (see {@link FetchScheduler#onDriverBack}).
   */
  void driverBack(Connection connection) {
    this.driver = connection;
    if (verifier instanceof ChecksumFollower f) {
      f.driverBack(connection);
    }
    on(FetchScheduler::onDriverBack);
  }

  /** Reports one event to the scheduler under the lock, then carries out its actions outside it. */
  private void on(Function<FetchScheduler, List<FetchAction>> event) {
    List<FetchAction> actions;
    synchronized (this) {
      actions = event.apply(scheduler);
    }
    run(actions);
  }

  private void run(List<FetchAction> actions) {
    for (FetchAction a : actions) {
      a.applyTo(runner);
    }
  }

  /**
   * Records a request's answer future so a later cancel can drop it; cancels it at once if its
   * cancel came first.
   */
  private CompletableFuture<Message> track(long token, CompletableFuture<Message> answer) {
    boolean cancelled;
    synchronized (this) {
      cancelled = cancelledEarly.remove(token);
      if (!cancelled) {
        answers.put(token, answer);
      }
    }
    if (cancelled) {
      answer.cancel(false); // the connection frees a piece that still arrives
    }
    return answer;
  }

  /**
   * What this fetch did, for the driver ({@link FetchReport}) and the executor's log: its time so
   * far, where its bytes came from, the pieces it refused and the peers it banned. {@code failure}
   * is null for a fetch that completed.
   */
  synchronized FetchReport report(Throwable failure) {
    String why = failure == null ? "" : String.valueOf(failure.getMessage());
    Map<Integer, Long> peers = fromPeers;
    if (peers.size() > FetchReport.MAX_PEERS) {
      peers = new HashMap<>();
      for (Map.Entry<Integer, Long> e : fromPeers.entrySet()) {
        if (peers.size() < FetchReport.MAX_PEERS) {
          peers.put(e.getKey(), e.getValue());
        }
      }
    }
    List<Integer> banned =
        bannedPeers.subList(0, Math.min(bannedPeers.size(), FetchReport.MAX_PEERS));
    return new FetchReport(
        broadcastId,
        System.nanoTime() - startNanos,
        fromDriverBytes,
        corruptPieces,
        why,
        peers,
        banned);
  }

  /** The source of an answer that came from the driver (peers are named by their ids, from 1). */
  private static final int DRIVER = -1;

  /**
   * Turns a request's outcome into the scheduler's event; {@code expected} is the piece asked for,
   * or -1 for any; {@code source} is the peer's id, or {@link #DRIVER}.
   */
  private void onAnswer(long token, int expected, int source, Message m, Throwable e) {
    boolean fromDriver = source == DRIVER;
    synchronized (this) {
      answers.remove(token);
    }
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof CancellationException) {
      return; // the scheduler cancelled it and expects no report
    }
    if (cause != null && fromDriver && !driver.isActive()) {
      on(
          s ->
              s.onDriverLost(
                  cause)); // the driver is gone, not merely this request: go on with the peers
    } else if (cause instanceof RemoteException) {
      on(s -> s.onRefused(token, cause));
    } else if (cause != null) {
      on(s -> s.onSourceFailed(token, cause));
    } else if (m instanceof PieceData data) {
      onPiece(token, expected, source, data);
    } else if (m instanceof Busy) {
      on(s -> s.onBusy(token));
    } else if (m instanceof Ack) {
      on(s -> s.onDriverDeclined(token));
    } else {
      on(s -> s.onSourceFailed(token, new ProtocolException("unexpected answer " + m.type())));
    }
  }

  /**
   * Judges what a request brought: kept until its checksum is known, refused, or stored (see {@link
   * #store}).
   */
  private void onPiece(long token, int expected, int source, PieceData data) {
    PieceVerifier.Verdict v = judge(expected, data);
    if (v == PieceVerifier.Verdict.UNKNOWN && verifier instanceof ChecksumFollower f) {
      if (f.park(token, expected, source, data)) {
        return; // taken up again by judgeParked or uncheckable once the driver has answered
      }
      v = judge(expected, data); // known meanwhile, or the follower stopped
    }
    if (v != PieceVerifier.Verdict.GOOD) {
      corrupt(token, data);
      return;
    }
    store(token, source, data);
  }

  private PieceVerifier.Verdict judge(int expected, PieceData data) {
    int piece = data.piece();
    boolean valid =
        piece < pieceCount
            && (expected < 0 || piece == expected)
            && data.broadcastId() == broadcastId;
    return valid ? verifier.verify(piece, data.data()) : PieceVerifier.Verdict.BAD;
  }

  /** A parked piece whose checksum is now known: judged again, and stored or refused. */
  void judgeParked(ChecksumFollower.Parked p) {
    PieceVerifier.Verdict v = judge(p.expected(), p.data());
    if (v == PieceVerifier.Verdict.GOOD) {
      store(p.token(), p.source(), p.data());
    } else {
      corrupt(p.token(), p.data());
    }
  }

  /**
   * A parked piece the driver has not checksummed although its sender claimed to hold a verified
   * copy: forged.
   */
  void uncheckable(ChecksumFollower.Parked p) {
    corrupt(p.token(), p.data());
  }

  private void corrupt(long token, PieceData data) {
    data.data().release();
    stats.corrupt(broadcastId);
    synchronized (this) {
      corruptPieces++;
    }
    on(s -> s.onCorrupt(token));
  }

  /** Stores a verified piece if the scheduler still wants it, and announces it. */
  private void store(long token, int source, PieceData data) {
    boolean fromDriver = source == DRIVER;
    int piece = data.piece();
    ByteBuf bytes = data.data();
    int size = bytes.readableBytes();
    boolean stored = false;
    BitSet batch = null;
    List<FetchAction> actions;
    UncheckedIOException unwritable = null;
    synchronized (this) {
      if (!done.isDone() && scheduler.wants(piece)) {
        try {
          blocks.putPiece(broadcastId, piece, bytes);
          stored = true;
          if (fromDriver) {
            fromDriverBytes += size;
          } else {
            fromPeers.merge(source, (long) size, Long::sum);
          }
          batch = announcements.stored(piece, fromDriver);
          if (firstPieceNanos < 0) {
            firstPieceNanos = System.nanoTime() - startNanos;
          }
        } catch (UncheckedIOException e) {
          unwritable = e; // the buffer is released; below, outside the lock, the fetch stops
        }
      }
      actions = unwritable == null ? scheduler.onPiece(token, piece, size) : List.of();
    }
    if (unwritable != null) {
      // A full disk: this fetch cannot go on, but every piece stored so far stays stored and
      // served.
      cancel(new NodeException(unwritable.getMessage(), unwritable));
      return;
    }
    if (stored) {
      stats.received(broadcastId, fromDriver, size);
      if (announcements.announcedAlone(fromDriver)) {
        driver.send(new Announce(broadcastId, piece));
      }
      if (batch != null) {
        driver.send(new AnnounceMany(broadcastId, pieceCount, batch));
      }
      directory.stored(
          broadcastId, new Have(broadcastId, piece, self.id(), self.host(), self.port()));
    } else {
      bytes.release();
      if (fromDriver && blocks.hasPiece(broadcastId, piece)) {
        driver.send(
            new Announce(
                broadcastId,
                piece)); // the driver holds an upload slot until it hears (DeliveryReceipts)
      }
    }
    run(actions);
  }

  /** The holders an answer names, recorded for this executor's own answers to its peers. */
  private List<PeerPieces> learnedFrom(Locations loc) {
    List<PeerPieces> holders = new ArrayList<>();
    for (Locations.Holder h : loc.holders()) {
      PeerAddress p = new PeerAddress(h.executorId(), h.host(), h.port());
      holders.add(new PeerPieces(p, h.pieces()));
      directory.learned(broadcastId, p, h.pieces());
    }
    return holders;
  }

  /** Carries out the scheduler's actions. */
  private final class ActionRunner implements FetchAction.Handler {
    @Override
    public void askLocations(FetchAction.AskLocations action) {
      driver
          .request(id -> new GetLocations(id, broadcastId), Locations.class)
          .whenComplete(
              (m, e) -> {
                if (e != null) {
                  Throwable cause =
                      e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                  on(s -> driver.isActive() ? s.onLocationsFailed(cause) : s.onDriverLost(cause));
                } else {
                  List<PeerPieces> holders = learnedFrom((Locations) m);
                  on(s -> s.onLocations(holders));
                }
              });
    }

    @Override
    public void askPeers(FetchAction.AskPeers a) {
      for (PeerAddress peer : a.peers()) {
        peerPool
            .get(peer.host(), peer.port())
            .thenCompose(c -> c.request(id -> new GetLocations(id, broadcastId), Locations.class))
            .whenComplete(
                (m, e) -> {
                  if (e != null) {
                    Throwable cause =
                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    on(s -> s.onPeerLocationsFailed(peer, cause));
                  } else {
                    List<PeerPieces> holders = learnedFrom((Locations) m);
                    on(s -> s.onPeerLocations(peer, holders));
                  }
                });
      }
    }

    @Override
    public void fetchFromPeer(FetchAction.FetchFromPeer a) {
      PeerAddress peer = a.peer();
      peerPool
          .get(peer.host(), peer.port())
          .thenCompose(
              c ->
                  track(
                      a.token(),
                      c.request(
                          id -> new FetchPiece(id, broadcastId, a.piece()),
                          PieceData.class,
                          Busy.class)))
          .whenComplete((m, e) -> onAnswer(a.token(), a.piece(), peer.id(), m, e));
    }

    @Override
    public void fetchFromDriver(FetchAction.FetchFromDriver a) {
      track(
              a.token(),
              driver.request(
                  id -> new FetchPiece(id, broadcastId, a.piece()), PieceData.class, Busy.class))
          .whenComplete((m, e) -> onAnswer(a.token(), a.piece(), DRIVER, m, e));
    }

    @Override
    public void fetchAnyFromDriver(FetchAction.FetchAnyFromDriver a) {
      track(
              a.token(),
              driver.request(
                  id ->
                      new FetchAnyPiece(
                          id, broadcastId, a.allowDuplicate(), pieceCount, a.exclude()),
                  PieceData.class,
                  Ack.class,
                  Busy.class))
          .whenComplete((m, e) -> onAnswer(a.token(), -1, DRIVER, m, e));
    }

    @Override
    public void cancel(FetchAction.Cancel a) {
      CompletableFuture<Message> answer;
      synchronized (SwarmFetcher.this) {
        answer = answers.remove(a.token());
        if (answer == null) {
          cancelledEarly.add(a.token());
        }
      }
      if (answer != null) {
        answer.cancel(false); // a piece that still arrives is freed by the connection
      }
    }

    @Override
    public void banPeer(FetchAction.BanPeer a) {
      synchronized (SwarmFetcher.this) {
        bannedPeers.add(a.peerId());
      }
      if (a.reason() == FetchAction.BanPeer.Reason.CORRUPT) {
        LOG.warn(
            "broadcast {}: executor {} sent corrupt pieces; no longer asking it",
            broadcastId,
            a.peerId());
      } else if (a.reason() == FetchAction.BanPeer.Reason.STALLED) {
        LOG.warn(
            "broadcast {}: executor {} did not answer in time; no longer asking it",
            broadcastId,
            a.peerId());
      } else {
        LOG.debug("broadcast {}: executor {} failed; no longer asking it", broadcastId, a.peerId());
      }
    }

    @Override
    public void wakeAt(FetchAction.WakeAt a) {
      // The scheduler's clock is System.nanoTime (see ExecutorNode.fetch).
      long delay = Math.max(0, a.nanoTime() - System.nanoTime());
      driver.schedule(
          () -> on(FetchScheduler::onTimer), Duration.ofNanos(delay)); // null: the node is closing
    }

    @Override
    public void done(FetchAction.Done a) {
      if (LOG.isDebugEnabled()) {
        int peers;
        synchronized (SwarmFetcher.this) {
          peers = scheduler.knownPeers();
        }
        LOG.debug(
            "broadcast {}: {} pieces in {} ms; first after {} ms; {} peers known",
            broadcastId,
            pieceCount,
            (System.nanoTime() - startNanos) / 1_000_000,
            firstPieceNanos / 1_000_000,
            peers);
      }
      done.complete(null);
    }

    @Override
    public void fail(FetchAction.Fail a) {
      done.completeExceptionally(a.cause());
    }
  }
}
