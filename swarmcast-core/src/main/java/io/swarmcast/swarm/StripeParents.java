package io.swarmcast.swarm;

import java.util.Arrays;
import java.util.BitSet;

/**
 * One executor's place in a broadcast's stripe trees (SplitStream's idea, for a swarm whose links
 * upload as fast as they download): piece {@code i} belongs to stripe {@code i % k}, and for each
 * stripe the executor takes that stripe's pieces from one parent, an executor or the driver, and
 * passes them on to its own children in the one stripe where it is an inner node. Every node's
 * upload then carries one stream of fresh pieces to a few children, where in a mesh it carried
 * fourteen different pieces at once and a fresh piece took fourteen piece-times to cross a hop
 * (docs/scaling.md, "Stripe trees").
 *
 * <p>A stripe whose parent is lost is <em>opened</em>: its pieces may then come from any peer, and
 * from the driver when no peer holds them, as in the mesh. Parents are given by the tracker ({@code
 * Tracker#stripeParents}); this class only answers which source may serve which piece.
 *
 * <p>Not thread-safe: the {@link FetchScheduler} owns it.
 */
public final class StripeParents {
  /** The parent id that stands for the driver. */
  public static final int DRIVER = 0;

  private final int[] parents;
  private final int pieceCount;

  /** Stripes whose pieces any source may serve, as bits. */
  private int open;

  /** Pieces of each combination of stripes, by its bits; made when first asked for. */
  private final BitSet[] masks;

  /**
   * @param parents for each stripe, the id of the executor that sends it, or {@link #DRIVER}
   * @param pieceCount the broadcast's pieces
   */
  public StripeParents(int[] parents, int pieceCount) {
    if (parents.length < 1 || parents.length > 8) {
      throw new IllegalArgumentException("stripes must be 1 to 8: " + parents.length);
    }
    this.parents = parents.clone();
    this.pieceCount = pieceCount;
    this.masks = new BitSet[1 << parents.length];
  }

  public int stripes() {
    return parents.length;
  }

  /** The id of stripe {@code stripe}'s parent ({@link #DRIVER} for the driver). */
  public int parent(int stripe) {
    return parents[stripe];
  }

  /** Whether {@code stripe}'s pieces may come from any source (its parent was lost). */
  boolean isOpen(int stripe) {
    return (open & (1 << stripe)) != 0;
  }

  int stripeOf(int piece) {
    return piece % parents.length;
  }

  /** The stripes {@code peerId} may serve, as bits: those it is the parent of, and open ones. */
  int servedBy(int peerId) {
    int bits = open;
    for (int s = 0; s < parents.length; s++) {
      if (parents[s] == peerId) {
        bits |= 1 << s;
      }
    }
    return bits;
  }

  /** The stripes whose parent is the driver (this executor is their root), as bits. */
  int rootOf() {
    int bits = 0;
    for (int s = 0; s < parents.length; s++) {
      if (parents[s] == DRIVER) {
        bits |= 1 << s;
      }
    }
    return bits;
  }

  /** Whether {@code peerId} may serve {@code piece}. */
  boolean mayServe(int peerId, int piece) {
    int s = stripeOf(piece);
    return (open & (1 << s)) != 0 || parents[s] == peerId;
  }

  /** Whether every stripe's pieces may come from {@code bits}' sources. */
  boolean all(int bits) {
    return bits == (1 << parents.length) - 1;
  }

  /** The pieces of the stripes in {@code bits}. */
  BitSet pieces(int bits) {
    BitSet m = masks[bits];
    if (m == null) {
      m = new BitSet(pieceCount);
      for (int i = 0; i < pieceCount; i++) {
        if ((bits & (1 << stripeOf(i))) != 0) {
          m.set(i);
        }
      }
      masks[bits] = m;
    }
    return m;
  }

  /**
   * Opens every stripe {@code peerId} was the parent of; true if it was one (it failed, stalled or
   * was banned).
   */
  boolean lost(int peerId) {
    int before = open;
    for (int s = 0; s < parents.length; s++) {
      if (parents[s] == peerId && peerId != DRIVER) {
        open |= 1 << s;
      }
    }
    return open != before;
  }

  /** Opens every stripe: the driver is gone, or the fetch falls back to the mesh. */
  void openAll() {
    open = (1 << parents.length) - 1;
  }

  @Override
  public String toString() {
    return "StripeParents" + Arrays.toString(parents) + " open=" + Integer.toBinaryString(open);
  }
}
