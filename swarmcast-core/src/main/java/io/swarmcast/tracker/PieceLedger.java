package io.swarmcast.tracker;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The tracker's record of one broadcast: which executor holds which piece, who wants {@code Have}
 * notices, and how often the driver has sent each piece. Not thread-safe: the {@link Tracker} guards it.
 */
final class PieceLedger {
  final long broadcastId;
  final int pieceCount;
  final boolean peerSharing;
  final Map<Integer, BitSet> holdings = new HashMap<>();
  final Set<Integer> subscribers = new HashSet<>();
  private final int[] sendCount;
  private int announced;

  PieceLedger(long broadcastId, int pieceCount, boolean peerSharing) {
    this.broadcastId = broadcastId;
    this.pieceCount = pieceCount;
    this.peerSharing = peerSharing;
    this.sendCount = new int[pieceCount];
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
    announced++;
    return true;
  }

  void forget(int executor) {
    BitSet held = holdings.remove(executor);
    if (held != null) {
      announced -= held.cardinality();
    }
    subscribers.remove(executor);
  }

  /** Total pieces held over all executors: progress, from 0 to executors × pieceCount. */
  int announced() {
    return announced;
  }

  /**
   * The piece the driver should send next to someone lacking {@code exclude}: one it has sent least
   * often, chosen at random among equals; -1 if every piece is excluded, or if only pieces already
   * sent remain and {@code allowDuplicate} is false. Counts the send.
   */
  int chooseForDriver(BitSet exclude, boolean allowDuplicate, Random random) {
    int best = -1;
    int bestCount = Integer.MAX_VALUE;
    int ties = 0;
    for (int i = exclude.nextClearBit(0); i < pieceCount; i = exclude.nextClearBit(i + 1)) {
      int c = sendCount[i];
      if (c < bestCount) {
        best = i;
        bestCount = c;
        ties = 1;
      } else if (c == bestCount && random.nextInt(++ties) == 0) {
        best = i;
      }
    }
    if (best < 0 || (bestCount > 0 && !allowDuplicate)) {
      return -1;
    }
    sendCount[best]++;
    return best;
  }

  /** Forgets every executor's copy (unpersist): the driver starts counting sends afresh. */
  void resetExecutors() {
    holdings.clear();
    subscribers.clear();
    announced = 0;
    java.util.Arrays.fill(sendCount, 0);
  }
}
