package io.swarmcast.swarm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Byte counters of one node, per broadcast: received from the driver, received from peers, and
 * served to others; and the received pieces that failed their checksum. They survive unpersist (a second fetch adds to them) and are dropped on
 * {@link #forget}. Thread-safe.
 */
public final class TransferStats {
  /** Counters of one broadcast on one node. */
  public static final class Counters {
    final LongAdder fromDriver = new LongAdder();
    final LongAdder fromPeers = new LongAdder();
    final LongAdder served = new LongAdder();
    final LongAdder corrupt = new LongAdder();

    public long fromDriverBytes() {
      return fromDriver.sum();
    }

    public long fromPeersBytes() {
      return fromPeers.sum();
    }

    public long servedBytes() {
      return served.sum();
    }

    /** Pieces received for this broadcast that failed their checksum (or were not the piece asked for) and were discarded. */
    public long corruptPieces() {
      return corrupt.sum();
    }
  }

  private final Map<Long, Counters> byBroadcast = new ConcurrentHashMap<>();

  /** The counters of a broadcast, created at zero on first use. */
  public Counters of(long broadcastId) {
    return byBroadcast.computeIfAbsent(broadcastId, k -> new Counters());
  }

  public void received(long broadcastId, boolean fromDriver, long bytes) {
    Counters c = of(broadcastId);
    (fromDriver ? c.fromDriver : c.fromPeers).add(bytes);
  }

  public void served(long broadcastId, long bytes) {
    of(broadcastId).served.add(bytes);
  }

  /** Counts a received piece that failed its check and was discarded. */
  public void corrupt(long broadcastId) {
    of(broadcastId).corrupt.increment();
  }

  public void forget(long broadcastId) {
    byBroadcast.remove(broadcastId);
  }
}
