package io.swarmcast.swarm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Byte counters of one node, per broadcast: received from the driver, received from peers, and
 * served to others; and the received pieces that failed their checksum. They survive unpersist (a
 * second fetch adds to them) and are dropped on {@link #forget}. {@link #total()} adds up every
 * broadcast the node ever had and is never reset, so that a metrics system polling it sees counters
 * that only grow. Thread-safe.
 */
public final class TransferStats {
  /** A node's counters over all broadcasts since it started; monotonic, for metrics systems. */
  public static final class Totals {
    private final Counters bytes = new Counters();
    private final LongAdder piecesServed = new LongAdder();
    private final LongAdder piecesReceived = new LongAdder();
    private final LongAdder fetches = new LongAdder();
    private final LongAdder fetchNanos = new LongAdder();
    private final LongAdder[] fetchBuckets = new LongAdder[FETCH_SECONDS_BUCKETS.length];

    Totals() {
      for (int i = 0; i < fetchBuckets.length; i++) {
        fetchBuckets[i] = new LongAdder();
      }
    }

    public long fromDriverBytes() {
      return bytes.fromDriverBytes();
    }

    public long fromPeersBytes() {
      return bytes.fromPeersBytes();
    }

    public long servedBytes() {
      return bytes.servedBytes();
    }

    public long piecesServed() {
      return piecesServed.sum();
    }

    public long corruptPieces() {
      return bytes.corruptPieces();
    }

    /** Pieces this node received, verified and stored. */
    public long piecesReceived() {
      return piecesReceived.sum();
    }

    /**
     * Completed fetches that took at most {@code FETCH_SECONDS_BUCKETS[i]} seconds, cumulative as a
     * Prometheus histogram's buckets are (the last bucket, +Inf, is {@link #fetches()}).
     */
    public long[] fetchSecondsBuckets() {
      long[] cumulative = new long[fetchBuckets.length];
      long sum = 0;
      for (int i = 0; i < fetchBuckets.length; i++) {
        sum += fetchBuckets[i].sum();
        cumulative[i] = sum;
      }
      return cumulative;
    }

    /**
     * Fetches of a whole broadcast this node completed (an executor's; the driver fetches nothing).
     */
    public long fetches() {
      return fetches.sum();
    }

    /** Wall-clock time those fetches took, summed, in nanoseconds. */
    public long fetchNanos() {
      return fetchNanos.sum();
    }
  }

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

    /**
     * Pieces received for this broadcast that failed their checksum (or were not the piece asked
     * for) and were discarded.
     */
    public long corruptPieces() {
      return corrupt.sum();
    }
  }

  /**
   * Upper bounds, in seconds, of the fetch-time histogram's buckets: from a small broadcast on a
   * fast network (tens of milliseconds) to many GiB on a slow one (tens of minutes).
   */
  public static final double[] FETCH_SECONDS_BUCKETS = {
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60, 120, 300, 600, 1800
  };

  private final Map<Long, Counters> byBroadcast = new ConcurrentHashMap<>();
  private final Totals total = new Totals();

  /** This node's counters over every broadcast since it started. */
  public Totals total() {
    return total;
  }

  /** The counters of a broadcast, created at zero on first use. */
  public Counters of(long broadcastId) {
    return byBroadcast.computeIfAbsent(broadcastId, k -> new Counters());
  }

  public void received(long broadcastId, boolean fromDriver, long bytes) {
    Counters c = of(broadcastId);
    (fromDriver ? c.fromDriver : c.fromPeers).add(bytes);
    (fromDriver ? total.bytes.fromDriver : total.bytes.fromPeers).add(bytes);
    total.piecesReceived.increment();
  }

  public void served(long broadcastId, long bytes) {
    of(broadcastId).served.add(bytes);
    total.bytes.served.add(bytes);
    total.piecesServed.increment();
  }

  /** Counts a received piece that failed its check and was discarded. */
  public void corrupt(long broadcastId) {
    of(broadcastId).corrupt.increment();
    total.bytes.corrupt.increment();
  }

  /** Counts a completed fetch of a whole broadcast that took {@code nanos}. */
  public void fetched(long nanos) {
    total.fetches.increment();
    total.fetchNanos.add(nanos);
    double seconds = nanos / 1e9;
    for (int i = 0; i < FETCH_SECONDS_BUCKETS.length; i++) {
      if (seconds <= FETCH_SECONDS_BUCKETS[i]) {
        total.fetchBuckets[i].increment();
        break;
      }
    }
  }

  public void forget(long broadcastId) {
    byBroadcast.remove(broadcastId);
  }
}
