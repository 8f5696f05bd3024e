package io.swarmcast.swarm;

import io.netty.buffer.ByteBuf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.Checksums;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.ConnectionPool;
import io.swarmcast.transport.RemoteException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the pieces of one broadcast that this executor lacks, keeping several requests in flight.
 *
 * <p>In {@link FetchMode#SWARM} mode it first asks the tracker where pieces are (which also subscribes
 * it to {@link Have} notices; for a one-piece broadcast only if the driver declines to send it), then
 * keeps requests outstanding on two budgets:
 * <ul>
 *   <li>up to {@code maxFromDriver} to the driver, always, because the driver's upload is the one link
 *       every byte must cross once: it is asked for "any piece I lack that no peer I know holds"
 *       ({@link FetchAnyPiece}) and sends one it has never sent, so the swarm gets every piece once
 *       before any piece twice, and the driver never sends what a peer could. Once it has none left,
 *       it is asked again (for a duplicate) only if nothing else is in flight;</li>
 *   <li>up to {@code maxInFlight} to peers, at most {@code maxPerPeer} each: the rarest piece some peer
 *       holds (the {@link PieceSelector}), from the least-loaded peer holding it.</li>
 * </ul>
 * Every piece is checked against its CRC32C before it is stored; a corrupt piece is dropped and its
 * sender is no longer asked. Each stored piece is announced to the tracker at once so others can
 * fetch it from here. In {@link FetchMode#DRIVER_ONLY} mode pieces come from the driver, in order.
 *
 * <p>Thread-safe: state is guarded by the instance lock; network sends happen outside it.
 */
public final class SwarmFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmFetcher.class);
  private static final int MAX_DRIVER_CORRUPTIONS = 3;
  /** How long a source that answered busy is left alone. */
  private static final long BUSY_BACKOFF_NANOS = 20_000_000;
  /** In the end game, how long a piece's only request may wait before a second holder is asked too. */
  private static final long END_GAME_AFTER_NANOS = 250_000_000;

  /** Limits on outstanding requests: to all peers, to any one peer, and to the driver. */
  public record Limits(int maxInFlight, int maxPerPeer, int maxFromDriver) {
    public Limits {
      if (maxInFlight < 1 || maxPerPeer < 1 || maxFromDriver < 1) {
        throw new IllegalArgumentException("limits must be positive: " + maxInFlight + ", " + maxPerPeer + ", " + maxFromDriver);
      }
    }
  }

  private static final class Peer {
    final int id;
    final String host;
    final int port;
    final BitSet pieces = new BitSet();
    int inFlight;
    /** Not asked before this time (System.nanoTime) after it answered busy. */
    long busyUntil;

    Peer(int id, String host, int port) {
      this.id = id;
      this.host = host;
      this.port = port;
    }
  }

  private final long broadcastId;
  private final int[] checksums;
  private final FetchMode mode;
  private final BlockManager blocks;
  private final Connection driver;
  private final ConnectionPool peerPool;
  private final PieceSelector selector;
  private final Limits limits;
  private final TransferStats stats;
  private final java.util.Random random;
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private final BitSet have;
  /** Pieces with a request outstanding: {@link #requests} > 0, or being fetched from the driver. */
  private final BitSet inFlight = new BitSet();
  /** Per piece: peer requests outstanding (2 only in the end game), the peer asked last, and when. */
  private final int[] requests;
  private final int[] askedPeer;
  private final long[] askedAt;
  private boolean endGameTimerArmed;
  private final int[] holders;
  private final Map<Integer, Peer> peers = new HashMap<>();
  private final Set<Integer> banned = new HashSet<>();
  private int driverInFlight;
  private int peerInFlight;
  /** The driver has no piece it never sent outside our exclusion set; cleared when a peer is lost. */
  private boolean driverHasNothing;
  /** A {@link GetLocations} is outstanding. */
  private boolean locating;
  /** The tracker is asked only once the driver has declined (a one-piece broadcast, see {@link #start}). */
  private boolean trackerDeferred;
  /**
   * A source was lost: ask the tracker for every holder again. {@link Have} notices name only a piece's
   * first holders (see the Tracker), so the others are learned this way.
   */
  private boolean relocate;
  private int driverCorruptions;
  /** Diagnostics: when the fetch started, and the time during which nothing at all was outstanding. */
  private final long startNanos = System.nanoTime();
  private long idleSince = -1;
  private long idleNanos;
  private long firstPieceNanos = -1;

  public SwarmFetcher(long broadcastId, int[] checksums, FetchMode mode, BlockManager blocks, Connection driver,
      ConnectionPool peerPool, PieceSelector selector, java.util.Random random, Limits limits, TransferStats stats) {
    this.broadcastId = broadcastId;
    this.checksums = checksums.clone();
    this.mode = mode;
    this.blocks = blocks;
    this.driver = driver;
    this.peerPool = peerPool;
    this.selector = selector;
    this.random = random;
    this.limits = limits;
    this.stats = stats;
    this.holders = new int[checksums.length];
    this.requests = new int[checksums.length];
    this.askedPeer = new int[checksums.length];
    this.askedAt = new long[checksums.length];
    this.have = blocks.piecesHeld(broadcastId, checksums.length);
  }

  /** Starts fetching; the future completes when every piece is stored here, or fails with the reason. */
  public CompletableFuture<Void> start() {
    if (have.cardinality() == checksums.length) {
      done.complete(null);
    } else if (mode == FetchMode.SWARM && checksums.length == 1) {
      // One piece has one source to choose, and the driver (with spare copies for small broadcasts)
      // is the usual one: ask it alone, and the tracker only if it declines. Asking both, and being
      // told of every other executor's copy, was half the messages of a 1 KiB broadcast to 8 executors.
      synchronized (this) {
        trackerDeferred = true;
      }
      pump();
    } else if (mode == FetchMode.SWARM) {
      // Ask the driver at once, in parallel with the tracker: a small broadcast then costs one round
      // trip. Its requests are booked before the question is asked, so they never exclude what the
      // answer names (with spare copies, each executor gets a small broadcast from the driver), and
      // sent after it, so the answer comes first and later requests go to the peers it names.
      List<Runnable> sends;
      synchronized (this) {
        locating = true;
        sends = book();
      }
      askLocations();
      sends.forEach(Runnable::run);
    } else {
      pump();
    }
    return done;
  }

  /**
   * Stops the fetch; pieces already stored stay. Under the lock that {@link #accept} stores under, so
   * no piece is stored after a removal that follows the cancel.
   */
  public synchronized void cancel(RuntimeException reason) {
    done.completeExceptionally(reason);
  }

  /** The fetch's outcome, for a second caller while it runs. */
  public CompletableFuture<Void> future() {
    return done;
  }

  /** A tracker notice that a peer now holds a piece. */
  public void onHave(Have h) {
    synchronized (this) {
      if (banned.contains(h.executorId()) || h.piece() >= checksums.length) {
        return;
      }
      Peer p = peers.computeIfAbsent(h.executorId(), id -> new Peer(id, h.host(), h.port()));
      if (!p.pieces.get(h.piece())) {
        p.pieces.set(h.piece());
        holders[h.piece()]++;
      }
    }
    pump();
  }

  /** Asks the tracker for every holder; {@link #locating} is set by the caller. */
  private void askLocations() {
    driver.request(id -> new GetLocations(id, broadcastId), Locations.class).whenComplete((m, e) -> {
      synchronized (this) {
        locating = false;
      }
      if (e != null) {
        fail(e);
      } else {
        addLocations((Locations) m);
        pump();
      }
    });
  }

  private synchronized void addLocations(Locations loc) {
    for (Locations.Holder h : loc.holders()) {
      if (banned.contains(h.executorId())) {
        continue;
      }
      Peer p = peers.computeIfAbsent(h.executorId(), id -> new Peer(id, h.host(), h.port()));
      BitSet pieces = h.pieces();
      for (int i = pieces.nextSetBit(0); i >= 0 && i < checksums.length; i = pieces.nextSetBit(i + 1)) {
        if (!p.pieces.get(i)) {
          p.pieces.set(i);
          holders[i]++;
        }
      }
    }
  }

  private void pump() {
    List<Runnable> sends;
    synchronized (this) {
      sends = book();
    }
    sends.forEach(Runnable::run);
  }

  /** Books every request the limits allow and returns their sends, to run outside the lock. Caller holds the lock. */
  private List<Runnable> book() {
    List<Runnable> sends = new ArrayList<>();
    // The driver first: its upload is the scarcest link in the swarm and must never sit idle.
    while (!done.isDone() && driverInFlight < limits.maxFromDriver()) {
      Runnable next = nextDriverRequest();
      if (next == null) {
        break;
      }
      sends.add(next);
    }
    if (relocate && !locating && !done.isDone()) {
      relocate = false;
      locating = true;
      sends.add(this::askLocations);
    }
    while (mode == FetchMode.SWARM && !done.isDone() && peerInFlight < limits.maxInFlight()) {
      Runnable next = nextPeerRequest();
      if (next == null) {
        break;
      }
      sends.add(next);
    }
    boolean idle = driverInFlight + peerInFlight == 0;
    if (idle && idleSince < 0) {
      idleSince = System.nanoTime();
    } else if (!idle && idleSince >= 0) {
      idleNanos += System.nanoTime() - idleSince;
      idleSince = -1;
    }
    return sends;
  }

  /** Pieces neither held nor being fetched. Caller holds the lock. */
  private BitSet wanted() {
    BitSet wanted = new BitSet(checksums.length);
    wanted.set(0, checksums.length);
    wanted.andNot(have);
    wanted.andNot(inFlight);
    return wanted;
  }

  /** Books the next piece request to a peer; null if no usable peer holds a wanted piece. Caller holds the lock. */
  private Runnable nextPeerRequest() {
    BitSet servable = new BitSet(checksums.length);
    long now = System.nanoTime();
    for (Peer p : peers.values()) {
      if (p.inFlight < limits.maxPerPeer() && now >= p.busyUntil) {
        servable.or(p.pieces);
      }
    }
    servable.and(wanted());
    if (servable.isEmpty()) {
      return endGameRequest(now);
    }
    int piece = selector.select(servable, holders);
    return book(leastLoadedHolder(piece, now, -1), piece, now);
  }

  /** Books a request for {@code piece} to {@code peer}. Caller holds the lock. */
  private Runnable book(Peer peer, int piece, long now) {
    inFlight.set(piece);
    requests[piece]++;
    askedPeer[piece] = peer.id;
    askedAt[piece] = now;
    peer.inFlight++;
    peerInFlight++;
    return () -> fetchFromPeer(peer, piece);
  }

  /**
   * BitTorrent's end game: once every missing piece is being fetched, a piece whose only request has
   * waited {@link #END_GAME_AFTER_NANOS} (its peer's link is congested, or the peer is slow) is asked
   * of a second holder too; the first answer is kept. Without it, one late piece holds up the whole
   * value (measured: one executor in eight finishing 1.8 s after the others). The cost is at most a
   * few pieces, and only at the end. Arms a timer to look again when no answer would. Caller holds the lock.
   */
  private Runnable endGameRequest(long now) {
    if (mode != FetchMode.SWARM || !wanted().isEmpty()) {
      return null;
    }
    long nextDue = Long.MAX_VALUE;
    for (int piece = inFlight.nextSetBit(0); piece >= 0; piece = inFlight.nextSetBit(piece + 1)) {
      if (requests[piece] != 1) {
        continue;
      }
      long due = askedAt[piece] + END_GAME_AFTER_NANOS;
      if (now < due) {
        nextDue = Math.min(nextDue, due);
        continue;
      }
      Peer second = leastLoadedHolder(piece, now, askedPeer[piece]);
      if (second != null) {
        return book(second, piece, now);
      }
    }
    if (nextDue != Long.MAX_VALUE && !endGameTimerArmed) {
      endGameTimerArmed = true;
      var timer = driver.schedule(() -> {
        synchronized (this) {
          endGameTimerArmed = false;
        }
        pump();
      }, java.time.Duration.ofNanos(nextDue - now));
      endGameTimerArmed = timer != null; // null: the node is closing
    }
    return null;
  }

  /**
   * Books the next request to the driver; null if there is nothing to ask it for. In swarm mode the
   * driver is asked for any piece that no known peer holds (so it never sends what a peer could), and
   * it picks the one it has sent least. Caller holds the lock.
   */
  private Runnable nextDriverRequest() {
    BitSet wanted = wanted();
    if (wanted.isEmpty()) {
      return null;
    }
    if (mode == FetchMode.DRIVER_ONLY) {
      int piece = wanted.nextSetBit(0);
      inFlight.set(piece);
      driverInFlight++;
      return () -> fetchFromDriver(piece);
    }
    // A duplicate (a piece the driver already sent someone) costs the driver's link, the one every
    // byte must cross. Ask for one only when nothing else is moving, not even a question about who
    // holds what: then it is the only way forward.
    boolean stalled = driverInFlight == 0 && peerInFlight == 0 && !locating;
    if (driverHasNothing && !stalled) {
      return null;
    }
    BitSet exclude = (BitSet) have.clone();
    exclude.or(inFlight);
    for (Peer p : peers.values()) {
      exclude.or(p.pieces);
    }
    // Each request in flight to the driver brings a piece outside the exclusion set: no more requests than such pieces.
    if (exclude.cardinality() + driverInFlight >= checksums.length) {
      return null;
    }
    boolean allowDuplicate = driverHasNothing;
    driverInFlight++;
    return () -> fetchAnyFromDriver(exclude, allowDuplicate);
  }

  /**
   * The holder of {@code piece} other than executor {@code except} with the fewest requests from us,
   * chosen at random among equals; null if none can take a request.
   */
  private Peer leastLoadedHolder(int piece, long now, int except) {
    Peer best = null;
    int ties = 0;
    for (Peer p : peers.values()) {
      if (p.id == except || !p.pieces.get(piece) || p.inFlight >= limits.maxPerPeer() || now < p.busyUntil) {
        continue;
      }
      if (best == null || p.inFlight < best.inFlight) {
        best = p;
        ties = 1;
      } else if (p.inFlight == best.inFlight && random.nextInt(++ties) == 0) {
        best = p;
      }
    }
    return best;
  }

  private void fetchFromPeer(Peer peer, int piece) {
    peerPool.get(peer.host, peer.port)
        .thenCompose(c -> c.request(id -> new FetchPiece(id, broadcastId, piece), PieceData.class, Busy.class))
        .whenComplete((m, e) -> {
          try {
            synchronized (this) {
              peer.inFlight--;
              peerInFlight--;
              if (--requests[piece] == 0) {
                inFlight.clear(piece);
              }
              if (e != null) {
                onPeerFailure(peer, piece, e);
              } else if (m instanceof Busy) {
                peer.busyUntil = System.nanoTime() + BUSY_BACKOFF_NANOS;
                retryLater();
              }
            }
            if (m instanceof PieceData data) {
              if (verified(data, piece)) {
                accept(piece, data.data(), false);
              } else {
                data.data().release();
                synchronized (this) {
                  LOG.warn("broadcast {}: piece {} from executor {} is corrupt; no longer asking it", broadcastId, piece, peer.id);
                  dropPeer(peer);
                  banned.add(peer.id);
                }
              }
            }
          } finally {
            pump();
          }
        });
  }

  /** Pumps again after the busy back-off, when a busy source may take requests again. */
  private void retryLater() {
    driver.schedule(this::pump, java.time.Duration.ofNanos(BUSY_BACKOFF_NANOS));
  }

  private void onPeerFailure(Peer peer, int piece, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof RemoteException) {
      // The peer answered but no longer has the piece (unpersisted, or the announcement raced).
      if (peers.get(peer.id) == peer && peer.pieces.get(piece)) {
        peer.pieces.clear(piece);
        holders[piece]--;
        driverHasNothing = false;
        relocate = true;
      }
    } else {
      // The connection or handshake failed, or the peer broke the protocol: stop asking it.
      LOG.debug("broadcast {}: executor {} failed: {}", broadcastId, peer.id, cause.toString());
      dropPeer(peer);
      banned.add(peer.id);
    }
  }

  private void dropPeer(Peer peer) {
    driverHasNothing = false; // the lost peer's pieces may now have to come from the driver
    relocate = true;
    if (peers.remove(peer.id) != null) {
      for (int i = peer.pieces.nextSetBit(0); i >= 0; i = peer.pieces.nextSetBit(i + 1)) {
        holders[i]--;
      }
    }
  }

  private void fetchFromDriver(int piece) {
    driver.request(id -> new FetchPiece(id, broadcastId, piece), PieceData.class, Busy.class).whenComplete((m, e) -> {
      synchronized (this) {
        driverInFlight--;
        inFlight.clear(piece);
      }
      onDriverReply(m, e);
    });
  }

  private void fetchAnyFromDriver(BitSet exclude, boolean allowDuplicate) {
    driver.request(id -> new FetchAnyPiece(id, broadcastId, allowDuplicate, checksums.length, exclude),
            PieceData.class, Ack.class, Busy.class)
        .whenComplete((m, e) -> {
          boolean askTracker = false;
          synchronized (this) {
            driverInFlight--;
            if (m instanceof Ack) {
              driverHasNothing = true;
              // Set before the pump below, which would otherwise ask the driver for a duplicate at once.
              askTracker = trackerDeferred && !done.isDone();
              trackerDeferred = false;
              locating |= askTracker;
            }
          }
          if (askTracker) {
            askLocations();
          }
          onDriverReply(m, e);
        });
  }

  private void onDriverReply(Message m, Throwable e) {
    if (e != null) {
      fail(e);
      return;
    }
    if (m instanceof Busy) {
      retryLater();
      return;
    }
    if (m instanceof PieceData data) {
      int piece = data.piece();
      if (piece >= checksums.length || !verified(data, piece)) {
        data.data().release();
        synchronized (this) {
          if (++driverCorruptions >= MAX_DRIVER_CORRUPTIONS) {
            fail(new CorruptPieceException("broadcast " + broadcastId + ": the driver sent " + driverCorruptions
                + " pieces that fail their checksum"));
            return;
          }
        }
      } else {
        accept(piece, data.data(), true);
      }
    }
    pump();
  }

  private boolean verified(PieceData data, int piece) {
    return data.broadcastId() == broadcastId && data.piece() == piece && Checksums.crc32c(data.data()) == checksums[piece];
  }

  /** Stores a verified piece (taking over {@code data}'s reference) and announces it. */
  private void accept(int piece, ByteBuf data, boolean fromDriver) {
    int bytes = data.readableBytes();
    boolean complete;
    synchronized (this) {
      if (done.isDone() || have.get(piece)) {
        data.release();
        return;
      }
      blocks.putPiece(broadcastId, piece, data);
      have.set(piece);
      complete = have.cardinality() == checksums.length;
      if (firstPieceNanos < 0) {
        firstPieceNanos = System.nanoTime() - startNanos;
      }
      if (complete && LOG.isDebugEnabled()) {
        LOG.debug("broadcast {}: {} pieces in {} ms; first after {} ms; idle {} ms; {} peers known", broadcastId,
            checksums.length, (System.nanoTime() - startNanos) / 1_000_000, firstPieceNanos / 1_000_000,
            idleNanos / 1_000_000, peers.size());
      }
    }
    stats.received(broadcastId, fromDriver, bytes);
    driver.send(new Announce(broadcastId, piece));
    if (complete) {
      done.complete(null);
    }
  }

  private void fail(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    done.completeExceptionally(cause);
  }
}
