package io.swarmcast.tracker;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The tracker's record of one broadcast: which executor holds which piece, who wants {@code Have}
 * notices (executors that asked for locations and do not yet hold every piece), and how often the
 * driver has sent each piece. Not thread-safe: the {@link Tracker} guards it.
 */
final class PieceLedger {
  /** How many times fewer pieces than the mean executor's make an executor lag. */
  static final int LAG_BEHIND = 8;

  /** The mean executor's pieces from which lagging is judged: before, all hold few. */
  static final int LAG_MIN_MEAN = 64;

  final long broadcastId;
  final int pieceCount;
  final boolean peerSharing;
  final Map<Integer, BitSet> holdings = new HashMap<>();
  final Set<Integer> subscribers = new HashSet<>();

  /**
   * Pieces the driver sent to each executor: its "any piece" requests cannot name those still in
   * flight.
   */
  private final Map<Integer, BitSet> sentTo = new HashMap<>();

  private final int[] sendCount;

  /** Executors holding each piece. */
  private final int[] holderCount;

  private int announced;

  /** Pieces held by at least one executor. */
  private int seededPieces;

  /**
   * Pieces the driver may still send beyond one copy without being asked for a duplicate (see
   * {@link #chooseForDriver}).
   */
  private int spareCopies;

  private final int spareCopiesAtStart;

  /**
   * Pieces {@code 0 .. available-1} may be sent: all of them, but for a file the driver is still
   * reading, whose pieces become available in order as their checksums are known.
   */
  private int available;

  PieceLedger(long broadcastId, int pieceCount, boolean peerSharing, int spareCopies) {
    this(broadcastId, pieceCount, peerSharing, spareCopies, pieceCount);
  }

  PieceLedger(
      long broadcastId, int pieceCount, boolean peerSharing, int spareCopies, int available) {
    this.available = Math.max(0, Math.min(pieceCount, available));
    this.broadcastId = broadcastId;
    this.pieceCount = pieceCount;
    this.peerSharing = peerSharing;
    this.spareCopies = spareCopies;
    this.spareCopiesAtStart = spareCopies;
    this.sendCount = new int[pieceCount];
    this.holderCount = new int[pieceCount];
  }

  void available(int n) {
    available = Math.max(available, Math.min(pieceCount, n));
  }

  int available() {
    return available;
  }

  /** Records that {@code executor} holds {@code piece}; false if out of range or already known. */
  boolean record(int executor, int piece) {
    if (piece < 0 || piece >= pieceCount) {
      return false;
    }
    BitSet held = holdings.computeIfAbsent(executor, k -> new BitSet(pieceCount));
    if (held.get(piece)) {
      return false;
    }
    held.set(piece);
    if (holderCount[piece]++ == 0) {
      seededPieces++;
    }
    announced++;
    if (isComplete(held)) {
      subscribers.remove(
          executor); // it fetches nothing more; a new fetch (after unpersist) asks for locations
      // again
    }
    return true;
  }

  /**
   * Sends {@code executor} later notices, unless it already holds every piece: a question can
   * arrive after its last announcement (a relocation sent just before), and would subscribe it for
   * good.
   */
  void subscribe(int executor) {
    BitSet held = holdings.get(executor);
    if (held == null || !isComplete(held)) {
      subscribers.add(executor);
    }
  }

  private boolean isComplete(BitSet held) {
    return held.cardinality() == pieceCount;
  }

  /** How many executors hold {@code piece}. */
  int holders(int piece) {
    return holderCount[piece];
  }

  /**
   * Forgets a lost executor. Pieces the driver sent it that no other executor holds count as unsent
   * again, so the driver offers them as fresh instead of waiting for fetchers to stall.
   */
  void forget(int executor) {
    BitSet held = holdings.remove(executor);
    if (held != null) {
      announced -= held.cardinality();
      for (int i = held.nextSetBit(0); i >= 0; i = held.nextSetBit(i + 1)) {
        if (--holderCount[i] == 0) {
          seededPieces--;
        }
      }
    }
    subscribers.remove(executor);
    BitSet sent = sentTo.remove(executor);
    if (sent != null) {
      for (int i = sent.nextSetBit(0); i >= 0; i = sent.nextSetBit(i + 1)) {
        if (sendCount[i] > 0 && holderCount[i] == 0) {
          sendCount[i]--;
        }
      }
    }
  }

  /**
   * True if every piece is held by at least one executor: the broadcast no longer needs the driver.
   */
  boolean isSeeded() {
    return seededPieces == pieceCount;
  }

  /** Total pieces held over all executors: progress, from 0 to executors × pieceCount. */
  int announced() {
    return announced;
  }

  /**
   * The piece the driver should send next to {@code executor}, which lacks all but {@code exclude};
   * -1 if there is none to send. Counts the send. Only the {@linkplain #available available} pieces
   * are candidates: a piece whose checksum the driver does not know yet could not be checked. In
   * order of preference:
   *
   * <ol>
   *   <li>a piece never sent, the lowest index first: pieces go out in order, so the small ones a
   *       broadcast starts with (see Blockifier.split) go first and the swarm can start forwarding
   *       early;
   *   <li>if {@code allowDuplicate} (the executor is stalled: a piece it was sent was lost, or its
   *       holders were), the least-sent piece, even one sent to it before;
   *   <li>while spare copies last, the least-sent piece not yet sent to it. A copy of a small
   *       broadcast costs the driver's link less than the round trips of waiting for a peer to hold
   *       it, and the last pieces of a large one leave the driver when its link has nothing fresh
   *       left.
   * </ol>
   *
   * Unless {@code allowDuplicate}, a {@code slow} executor (see {@link DeliveryPace}) gets nothing,
   * and one that {@code lags} (see {@link #lagsBehind}) is told {@link Tracker#NOT_NOW} while a
   * fresh piece is left.
   */
  int chooseForDriver(
      int executor, BitSet exclude, boolean allowDuplicate, boolean slow, boolean lags) {
    if (slow && !allowDuplicate) {
      return -1;
    }
    if (lags && !allowDuplicate) {
      int fresh = leastSent(exclude, null);
      return fresh >= 0 && sendCount[fresh] == 0 ? Tracker.NOT_NOW : -1;
    }
    BitSet sent = sentTo.computeIfAbsent(executor, k -> new BitSet(pieceCount));
    int fresh = leastSent(exclude, null);
    if (fresh >= 0 && sendCount[fresh] > 0 && !allowDuplicate) {
      fresh = -1;
      if (spareCopies > 0) {
        // Never a second copy to the same executor: its requests for "any piece" cannot exclude
        // what is in flight to it.
        int spare = leastSent(exclude, sent);
        if (spare >= 0) {
          spareCopies--;
          fresh = spare;
        }
      }
    }
    if (fresh < 0) {
      return -1;
    }
    sendCount[fresh]++;
    sent.set(fresh);
    return fresh;
  }

  /**
   * The least-sent piece outside {@code exclude} and {@code alsoExclude} (if not null), lowest
   * index among equals; -1 if none.
   */
  private int leastSent(BitSet exclude, BitSet alsoExclude) {
    int best = -1;
    for (int i = exclude.nextClearBit(0); i < available; i = exclude.nextClearBit(i + 1)) {
      if ((alsoExclude == null || !alsoExclude.get(i))
          && (best < 0 || sendCount[i] < sendCount[best])) {
        best = i;
        if (sendCount[i] == 0) {
          break;
        }
      }
    }
    return best;
  }

  /**
   * Whether {@code executor} holds fewer than a {@link #LAG_BEHIND}th of the pieces the mean of
   * {@code executors} executors holds, once that mean is {@link #LAG_MIN_MEAN} or more: an executor
   * on a slow link, or one that joined late. The driver sends it no fresh piece (see {@link
   * Tracker#choosePieceToSend}).
   */
  boolean lagsBehind(int executor, int executors) {
    if (executors <= 0) {
      return false;
    }
    long mean = announced / executors;
    if (mean < LAG_MIN_MEAN) {
      return false;
    }
    BitSet h = holdings.get(executor);
    return (long) (h == null ? 0 : h.cardinality()) * LAG_BEHIND < mean;
  }

  /** A copy of the holdings of {@code executors}, and of what the driver pushed to each. */
  BroadcastPieces snapshot(Iterable<Integer> executors) {
    Map<Integer, BitSet> held = new HashMap<>();
    Map<Integer, BitSet> pushed = new HashMap<>();
    for (int e : executors) {
      BitSet h = holdings.get(e);
      BitSet p = sentTo.get(e);
      held.put(e, h == null ? new BitSet() : (BitSet) h.clone());
      pushed.put(e, p == null ? new BitSet() : (BitSet) p.clone());
    }
    return new BroadcastPieces(broadcastId, pieceCount, isSeeded(), held, pushed);
  }

  /** How many pieces each executor that announced any holds; no copy of a bit set. */
  Map<Integer, Integer> heldCounts() {
    Map<Integer, Integer> counts = new HashMap<>();
    holdings.forEach((e, bits) -> counts.put(e, bits.cardinality()));
    return counts;
  }

  /** Forgets every executor's copy (unpersist): the driver starts counting sends afresh. */
  void resetExecutors() {
    holdings.clear();
    subscribers.clear();
    sentTo.clear();
    announced = 0;
    seededPieces = 0;
    spareCopies = spareCopiesAtStart;
    Arrays.fill(sendCount, 0);
    Arrays.fill(holderCount, 0);
  }
}
