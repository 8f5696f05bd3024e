package io.swarmcast.tracker;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
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
  /** Pieces the driver sent to each executor: its "any piece" requests cannot name those still in flight. */
  private final Map<Integer, BitSet> sentTo = new HashMap<>();
  private final int[] sendCount;
  /** Executors holding each piece. */
  private final int[] holderCount;
  private int announced;

  PieceLedger(long broadcastId, int pieceCount, boolean peerSharing) {
    this.broadcastId = broadcastId;
    this.pieceCount = pieceCount;
    this.peerSharing = peerSharing;
    this.sendCount = new int[pieceCount];
    this.holderCount = new int[pieceCount];
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
    holderCount[piece]++;
    announced++;
    return true;
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
        holderCount[i]--;
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

  /** Total pieces held over all executors: progress, from 0 to executors × pieceCount. */
  int announced() {
    return announced;
  }

  /**
   * The piece the driver should send next to {@code executor}, which lacks all but {@code exclude}:
   * one it has sent least often, the lowest index among equals, not one already sent to that executor
   * unless {@code allowDuplicate}; -1 if none is left, or if only pieces already sent remain and {@code allowDuplicate}
   * is false. Counts the send.
   */
  int chooseForDriver(int executor, BitSet exclude, boolean allowDuplicate) {
    // Without allowDuplicate only never-sent pieces qualify (bestCount must be 0 below), which also
    // excludes those already sent to this executor. With it, a piece sent here before may go again: it
    // was lost (corrupt, or never arrived), since the executor is stalled when it asks.
    BitSet sent = sentTo.computeIfAbsent(executor, k -> new BitSet(pieceCount));
    // Lowest index among the least sent: pieces go out in order, so the small ones a broadcast starts
    // with (see Blockifier.split) go first and the swarm can start forwarding early.
    int best = -1;
    int bestCount = Integer.MAX_VALUE;
    for (int i = exclude.nextClearBit(0); i < pieceCount; i = exclude.nextClearBit(i + 1)) {
      if (sendCount[i] < bestCount) {
        best = i;
        bestCount = sendCount[i];
        if (bestCount == 0) {
          break;
        }
      }
    }
    if (best < 0 || (bestCount > 0 && !allowDuplicate)) {
      return -1;
    }
    sendCount[best]++;
    sent.set(best);
    return best;
  }

  /** Forgets every executor's copy (unpersist): the driver starts counting sends afresh. */
  void resetExecutors() {
    holdings.clear();
    subscribers.clear();
    sentTo.clear();
    announced = 0;
    java.util.Arrays.fill(sendCount, 0);
    java.util.Arrays.fill(holderCount, 0);
  }
}
