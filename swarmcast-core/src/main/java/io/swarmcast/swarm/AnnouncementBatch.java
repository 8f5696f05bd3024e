package io.swarmcast.swarm;

import java.util.BitSet;

/**
 * When an executor tells the driver which pieces it holds. Pieces the driver sent are announced one
 * by one at once: the driver frees an upload slot on each and counts the swarm seeded by them.
 * Pieces from peers are gathered and announced in {@code batches} messages over the whole fetch,
 * the last when the fetch has every piece. With neighbours ({@code swarmcast.tracker.neighbours})
 * nothing on the driver needs them sooner: the tracker relays nothing, and they serve only progress
 * and the holders a location answer lists. One announcement per piece per executor was 13 % of the
 * value into the driver at 1,000 executors, and grows with their number.
 *
 * <p>Pure, and not thread-safe: the fetch's adapter (on a node and in a simulation) calls it under
 * its lock.
 */
public final class AnnouncementBatch {
  /**
   * Announcements of peers' pieces per fetch with neighbours: each a bit set of the pieces since
   * the last.
   */
  public static final int BATCHES = 16;

  private final int pieceCount;
  private final int flushAt;
  private final BitSet pending = new BitSet();
  private int pendingCount;
  private int held;

  /**
   * {@code batches}: how many messages carry one fetch's peer pieces; 0 for none held back (every
   * piece at once).
   */
  public AnnouncementBatch(int pieceCount, BitSet alreadyHeld, int batches) {
    if (pieceCount < 1 || batches < 0) {
      throw new IllegalArgumentException(
          "pieceCount < 1 or batches < 0: " + pieceCount + ", " + batches);
    }
    this.pieceCount = pieceCount;
    this.flushAt = batches == 0 ? 1 : Math.max(1, (pieceCount + batches - 1) / batches);
    this.held = alreadyHeld.get(0, pieceCount).cardinality();
  }

  /**
   * Whether a piece just stored is announced alone, at once: the driver's pieces always, peers'
   * ones without batches.
   */
  public boolean announcedAlone(boolean fromDriver) {
    return fromDriver || flushAt == 1;
  }

  /**
   * A piece was stored. Returns the pieces to announce together now (never empty), or null: a piece
   * not {@link #announcedAlone} joins the batch, which is sent once it is full, and whatever is
   * pending once the fetch holds every piece.
   */
  public BitSet stored(int piece, boolean fromDriver) {
    held++;
    if (!announcedAlone(fromDriver)) {
      pending.set(piece);
      pendingCount++;
    }
    if (pendingCount == 0 || (pendingCount < flushAt && held < pieceCount)) {
      return null;
    }
    BitSet out = (BitSet) pending.clone();
    pending.clear();
    pendingCount = 0;
    return out;
  }
}
