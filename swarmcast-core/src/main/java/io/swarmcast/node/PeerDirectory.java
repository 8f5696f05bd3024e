package io.swarmcast.node;

import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.swarm.NamedHolders;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.transport.Connection;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * What an executor knows of other executors' pieces, per broadcast, so it can answer its peers when
 * the driver's tracker is gone: its own pieces and the holders it heard of (peer exchange), and the
 * peers that asked, who then get a {@link Have} for every piece it stores. Filled by the fetches
 * (what the tracker and peers told them). Thread-safe: one lock for all.
 */
final class PeerDirectory {
  /** One broadcast: how many pieces it has, the holders heard of, and who asked this executor. */
  private static final class Entry {
    /** -1 while pending: a peer asked before this executor began to fetch it. */
    int pieceCount;

    final Map<Integer, PeerAddress> addresses = new LinkedHashMap<>();
    final Map<Integer, BitSet> pieces = new HashMap<>();
    final Set<Connection> subscribers = ConcurrentHashMap.newKeySet();

    Entry(int pieceCount) {
      this.pieceCount = pieceCount;
    }
  }

  /**
   * Bytes of holder entries one answer may carry (as the tracker's {@code LOCATIONS_MAX_BYTES}).
   */
  static final int MAX_ANSWER_BYTES = 1 << 20;

  /**
   * Broadcasts that peers asked about before this executor began to fetch them, kept so the askers
   * get its pieces once it does; beyond this many, such questions are refused (a stranger must not
   * grow the directory without bound).
   */
  static final int MAX_PENDING = 64;

  private final Map<Long, Entry> broadcasts = new HashMap<>();
  private final RandomGenerator random;
  private int pending;

  /**
   * {@code random} draws where in the holders it knows an answer starts (see {@link NamedHolders}).
   */
  PeerDirectory(RandomGenerator random) {
    this.random = random;
  }

  /** This executor fetches (or holds) {@code broadcastId}, of {@code pieceCount} pieces. */
  synchronized void fetching(long broadcastId, int pieceCount) {
    Entry e = broadcasts.computeIfAbsent(broadcastId, k -> new Entry(pieceCount));
    if (e.pieceCount < 0) {
      e.pieceCount = pieceCount;
      pending--;
    }
  }

  /** {@code peer} holds {@code pieces} of {@code broadcastId}. */
  synchronized void learned(long broadcastId, PeerAddress peer, BitSet pieces) {
    Entry e = broadcasts.get(broadcastId);
    if (e != null) {
      e.addresses.putIfAbsent(peer.id(), peer);
      e.pieces.computeIfAbsent(peer.id(), k -> new BitSet()).or(pieces);
    }
  }

  /**
   * The answer to a peer's question about {@code broadcastId}: this executor ({@code self}, with
   * the pieces {@code blocks} hold) first, then at most {@link NamedHolders#MOST} of the holders it
   * knows ({@link NamedHolders}); the asker is sent this executor's later pieces. Null if this
   * executor does not know the broadcast.
   */
  synchronized Locations answer(
      long requestId, long broadcastId, PeerAddress self, BlockManager blocks, Connection asker) {
    Entry e = broadcasts.get(broadcastId);
    if (e == null && pending < MAX_PENDING) {
      // Asked before this executor began to fetch it: a driver ships a broadcast's handle to its
      // executors one after another, and a neighbour asking first must not take "unknown" for an
      // answer (it bans the peer for the fetch). It holds nothing yet, and hears of each piece it
      // stores.
      e = new Entry(-1);
      broadcasts.put(broadcastId, e);
      pending++;
    }
    if (e == null) {
      return null;
    }
    if (e.pieceCount < 0) {
      e.subscribers.removeIf(c -> !c.isActive());
      e.subscribers.add(asker);
      return new Locations(
          requestId,
          broadcastId,
          0,
          List.of(new Locations.Holder(self.id(), self.host(), self.port(), new BitSet())));
    }
    BitSet selfPieces = blocks.piecesHeld(broadcastId, e.pieceCount);
    List<Locations.Holder> holders = new ArrayList<>();
    holders.add(new Locations.Holder(self.id(), self.host(), self.port(), selfPieces));
    // Bounded in bytes as the tracker's answers are, far below any frame limit however many pieces.
    int bytes = Locations.holderLength(self.host(), e.pieceCount);
    List<PeerAddress> named =
        NamedHolders.pick(
            new ArrayList<>(e.addresses.values()),
            p -> p.id() == self.id() || p.id() == asker.remoteNodeId(),
            NamedHolders.MOST,
            random);
    for (PeerAddress p : named) {
      int entry = Locations.holderLength(p.host(), e.pieceCount);
      if (bytes + entry > MAX_ANSWER_BYTES) {
        break;
      }
      bytes += entry;
      holders.add(
          new Locations.Holder(p.id(), p.host(), p.port(), (BitSet) e.pieces.get(p.id()).clone()));
    }
    e.subscribers.removeIf(c -> !c.isActive());
    e.subscribers.add(asker);
    return new Locations(requestId, broadcastId, e.pieceCount, holders);
  }

  /** Tells the peers that asked about {@code broadcastId} that this executor now holds a piece. */
  void stored(long broadcastId, Have notice) {
    Set<Connection> to;
    synchronized (this) {
      Entry e = broadcasts.get(broadcastId);
      if (e == null || e.subscribers.isEmpty()) {
        return;
      }
      e.subscribers.removeIf(c -> !c.isActive());
      to = Set.copyOf(e.subscribers);
    }
    to.forEach(c -> c.send(notice));
  }

  /** The broadcasts this executor fetches or holds, with their piece counts (a copy). */
  synchronized Map<Long, Integer> heldBroadcasts() {
    Map<Long, Integer> out = new HashMap<>();
    broadcasts.forEach(
        (id, e) -> {
          if (e.pieceCount >= 0) {
            out.put(id, e.pieceCount);
          }
        });
    return out;
  }

  synchronized void forget(long broadcastId) {
    Entry e = broadcasts.remove(broadcastId);
    if (e != null && e.pieceCount < 0) {
      pending--;
    }
  }

  synchronized void clear() {
    broadcasts.clear();
    pending = 0;
  }
}
