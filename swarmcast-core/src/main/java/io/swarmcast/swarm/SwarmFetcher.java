package io.swarmcast.swarm;

import io.netty.buffer.ByteBuf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
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
 * it to {@link Have} notices), then keeps up to {@code maxInFlight} requests outstanding, at most
 * {@code maxPerPeer} per source:
 * <ul>
 *   <li>pieces some peer holds are requested from peers, the rarest first (the {@link PieceSelector}),
 *       each from the least-loaded peer holding it;</li>
 *   <li>the driver is asked for "any piece I lack" ({@link FetchAnyPiece}); it sends the piece it has
 *       sent least, or declines once every piece is out in the swarm. After that the driver is asked
 *       again only when nothing else can make progress, so it does not send pieces twice needlessly.</li>
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

  /** Limits on outstanding requests. */
  public record Limits(int maxInFlight, int maxPerPeer) {
    public Limits {
      if (maxInFlight < 1 || maxPerPeer < 1) {
        throw new IllegalArgumentException("limits must be positive: " + maxInFlight + ", " + maxPerPeer);
      }
    }
  }

  private static final class Peer {
    final int id;
    final String host;
    final int port;
    final BitSet pieces = new BitSet();
    int inFlight;

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
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  private final BitSet have;
  private final BitSet inFlight = new BitSet();
  private final int[] holders;
  private final Map<Integer, Peer> peers = new HashMap<>();
  private final Set<Integer> banned = new HashSet<>();
  private int driverInFlight;
  private int peerInFlight;
  private boolean driverHasNothingFresh;
  private int driverCorruptions;

  public SwarmFetcher(long broadcastId, int[] checksums, FetchMode mode, BlockManager blocks, Connection driver,
      ConnectionPool peerPool, PieceSelector selector, Limits limits, TransferStats stats) {
    this.broadcastId = broadcastId;
    this.checksums = checksums.clone();
    this.mode = mode;
    this.blocks = blocks;
    this.driver = driver;
    this.peerPool = peerPool;
    this.selector = selector;
    this.limits = limits;
    this.stats = stats;
    this.holders = new int[checksums.length];
    this.have = blocks.piecesHeld(broadcastId, checksums.length);
  }

  /** Starts fetching; the future completes when every piece is stored here, or fails with the reason. */
  public CompletableFuture<Void> start() {
    if (have.cardinality() == checksums.length) {
      done.complete(null);
    } else if (mode == FetchMode.SWARM) {
      driver.request(id -> new GetLocations(id, broadcastId)).whenComplete((m, e) -> {
        if (e != null) {
          fail(e);
        } else {
          addLocations((Locations) m);
          pump();
        }
      });
    } else {
      pump();
    }
    return done;
  }

  /** Stops the fetch; pieces already stored stay. */
  public void cancel(RuntimeException reason) {
    done.completeExceptionally(reason);
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

  private synchronized void addLocations(Locations loc) {
    for (Locations.Holder h : loc.holders()) {
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
    List<Runnable> sends = new ArrayList<>();
    synchronized (this) {
      while (!done.isDone() && driverInFlight + peerInFlight < limits.maxInFlight()) {
        Runnable next = nextRequest();
        if (next == null) {
          break;
        }
        sends.add(next);
      }
    }
    sends.forEach(Runnable::run);
  }

  /** Chooses the next request and books it; null if none should be sent now. Caller holds the lock. */
  private Runnable nextRequest() {
    BitSet wanted = new BitSet(checksums.length);
    wanted.set(0, checksums.length);
    wanted.andNot(have);
    wanted.andNot(inFlight);
    if (wanted.isEmpty()) {
      return null;
    }
    if (mode == FetchMode.SWARM) {
      BitSet servable = new BitSet(checksums.length);
      for (Peer p : peers.values()) {
        if (p.inFlight < limits.maxPerPeer()) {
          servable.or(p.pieces);
        }
      }
      servable.and(wanted);
      if (!servable.isEmpty()) {
        int piece = selector.select(servable, holders);
        Peer peer = leastLoadedHolder(piece);
        inFlight.set(piece);
        peer.inFlight++;
        peerInFlight++;
        return () -> fetchFromPeer(peer, piece);
      }
    }
    if (driverInFlight >= limits.maxPerPeer()) {
      return null;
    }
    if (mode == FetchMode.DRIVER_ONLY) {
      int piece = wanted.nextSetBit(0);
      inFlight.set(piece);
      driverInFlight++;
      return () -> fetchFromDriver(piece);
    }
    boolean stalled = peerInFlight == 0 && driverInFlight == 0;
    if (driverHasNothingFresh && !stalled) {
      return null;
    }
    BitSet exclude = (BitSet) have.clone();
    exclude.or(inFlight);
    boolean allowDuplicate = driverHasNothingFresh;
    driverInFlight++;
    return () -> fetchAnyFromDriver(exclude, allowDuplicate);
  }

  private Peer leastLoadedHolder(int piece) {
    Peer best = null;
    for (Peer p : peers.values()) {
      if (p.pieces.get(piece) && p.inFlight < limits.maxPerPeer() && (best == null || p.inFlight < best.inFlight)) {
        best = p;
      }
    }
    return best;
  }

  private void fetchFromPeer(Peer peer, int piece) {
    peerPool.get(peer.host, peer.port)
        .thenCompose(c -> c.request(id -> new FetchPiece(id, broadcastId, piece)))
        .whenComplete((m, e) -> {
          synchronized (this) {
            peer.inFlight--;
            peerInFlight--;
            inFlight.clear(piece);
            if (e != null) {
              onPeerFailure(peer, piece, e);
            }
          }
          if (e == null) {
            PieceData data = (PieceData) m;
            if (!verified(data, piece)) {
              synchronized (this) {
                LOG.warn("broadcast {}: piece {} from executor {} is corrupt; no longer asking it", broadcastId, piece, peer.id);
                dropPeer(peer);
                banned.add(peer.id);
              }
            } else {
              accept(piece, data.data().retain(), false);
            }
            data.data().release();
          }
          pump();
        });
  }

  private void onPeerFailure(Peer peer, int piece, Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof RemoteException) {
      // The peer answered but no longer has the piece (unpersisted, or the announcement raced).
      if (peer.pieces.get(piece)) {
        peer.pieces.clear(piece);
        holders[piece]--;
      }
    } else {
      LOG.debug("broadcast {}: executor {} failed: {}", broadcastId, peer.id, cause.toString());
      dropPeer(peer);
    }
  }

  private void dropPeer(Peer peer) {
    if (peers.remove(peer.id) != null) {
      for (int i = peer.pieces.nextSetBit(0); i >= 0; i = peer.pieces.nextSetBit(i + 1)) {
        holders[i]--;
      }
    }
  }

  private void fetchFromDriver(int piece) {
    driver.request(id -> new FetchPiece(id, broadcastId, piece)).whenComplete((m, e) -> {
      synchronized (this) {
        driverInFlight--;
        inFlight.clear(piece);
      }
      onDriverReply(m, e);
    });
  }

  private void fetchAnyFromDriver(BitSet exclude, boolean allowDuplicate) {
    driver.request(id -> new FetchAnyPiece(id, broadcastId, allowDuplicate, checksums.length, exclude))
        .whenComplete((m, e) -> {
          synchronized (this) {
            driverInFlight--;
            if (m instanceof Ack) {
              driverHasNothingFresh = true;
            }
          }
          onDriverReply(m, e);
        });
  }

  private void onDriverReply(Message m, Throwable e) {
    if (e != null) {
      fail(e);
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
