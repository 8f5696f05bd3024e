package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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

  /** Pieces stored so far, per stripe. */
  private final int[] stored;

  /**
   * How far, in pieces, a stripe may fall behind the one furthest ahead before it is opened: its
   * parent is slower than the others (on a slower link, or fed by one), and an inner node forwards
   * no faster than it receives, so a slow executor held its children to its own rate (simulated: a
   * tenth of 100 executors ten times slower, the fast ones at 10.75 × size ÷ bandwidth; 1.53 × with
   * this). A quarter of a stripe: an eighth of one (64 of 1,024 pieces in 2 stripes) opened stripes
   * below executors that died, one under another, and 1 % of 1,000 dying took 1.41 × where it takes
   * 1.40 × with a quarter.
   */
  private final int lagLimit;

  /** Pieces of each combination of stripes, by its bits; made when first asked for. */
  private final BitSet[] masks;

  /** Stripes whose parent is its stripe's root, as bits. */
  private final int rootParents;

  /**
   * Stripes whose parent was its root and was lost: this executor may take their fresh pieces from
   * the driver, as the root did; otherwise only the root may, and its orphans would wait for ever.
   */
  private int orphanedByRoot;

  /** No adoptive parent. */
  private static final int NONE = -1;

  /** Per stripe, whom to take it from if its parent is lost: an executor, the driver, or none. */
  private final int[] adoptive;

  private final PeerAddress[] adoptiveAddress;

  /** Executors lost so far: never adopters. */
  private final Set<Integer> lostIds = new HashSet<>();

  /** As {@link #StripeParents(int[], int, int)}, with no parent a root. */
  public StripeParents(int[] parents, int pieceCount) {
    this(parents, 0, pieceCount);
  }

  /**
   * @param parents for each stripe, the id of the executor that sends it, or {@link #DRIVER}
   * @param rootParents the stripes whose parent is that stripe's root (takes it from the driver),
   *     as bits
   * @param pieceCount the broadcast's pieces
   */
  public StripeParents(int[] parents, int rootParents, int pieceCount) {
    if (parents.length < 1 || parents.length > 8) {
      throw new IllegalArgumentException("stripes must be 1 to 8: " + parents.length);
    }
    this.parents = parents.clone();
    this.rootParents = rootParents;
    this.pieceCount = pieceCount;
    this.masks = new BitSet[1 << parents.length];
    this.stored = new int[parents.length];
    this.adoptive = new int[parents.length];
    Arrays.fill(adoptive, NONE);
    this.adoptiveAddress = new PeerAddress[parents.length];
    this.lagLimit = Math.max(8, pieceCount / parents.length / 4);
  }

  /**
   * {@code piece} was stored. Opens every stripe from an executor parent that fell more than {@code
   * lagLimit} pieces behind the stripe furthest ahead; true if it opened one.
   */
  boolean stored(int piece) {
    stored[stripeOf(piece)]++;
    int lead = 0;
    for (int n : stored) {
      lead = Math.max(lead, n);
    }
    boolean opened = false;
    for (int s = 0; s < parents.length; s++) {
      if (!isOpen(s) && parents[s] != DRIVER && lead - stored[s] > lagLimit) {
        open |= 1 << s;
        opened = true;
      }
    }
    return opened;
  }

  /** The stripes whose parent is its root, as bits. */
  public int rootParents() {
    return rootParents;
  }

  /**
   * Whom this executor takes {@code stripe} from if its parent there is lost: executor {@code id}
   * at {@code address}, or {@link #DRIVER} (a lost root's child becomes the root). Set by the
   * tracker as it places the executor; without one, a lost parent's stripe is opened.
   */
  public void adoptive(int stripe, int id, PeerAddress address) {
    if (id != DRIVER && address == null) {
      throw new IllegalArgumentException("executor " + id + " without an address");
    }
    adoptive[stripe] = id;
    adoptiveAddress[stripe] = address;
  }

  /** Whom this executor takes {@code stripe} from if its parent there is lost; -1 for none. */
  public int adoptive(int stripe) {
    return adoptive[stripe];
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

  /**
   * The stripes whose fresh pieces this executor may ask the driver for, as bits: those it is the
   * root of, and those whose root, its parent, was lost.
   */
  int fromDriver() {
    return rootOf() | orphanedByRoot;
  }

  /** How many executors are parents (the neighbours a fetch keeps while no stripe is open). */
  int executorParents() {
    int n = 0;
    for (int s = 0; s < parents.length; s++) {
      boolean seen = parents[s] == DRIVER;
      for (int t = 0; t < s && !seen; t++) {
        seen = parents[t] == parents[s];
      }
      n += seen ? 0 : 1;
    }
    return n;
  }

  /** The open stripes, as bits. */
  int openStripes() {
    return open;
  }

  /** Whether some stripe is open. */
  boolean anyOpen() {
    return open != 0;
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
    return isOpen(s) || parents[s] == peerId;
  }

  /** Every stripe, as bits. */
  int allStripes() {
    return (1 << parents.length) - 1;
  }

  /** Whether every stripe's pieces may come from {@code bits}' sources. */
  boolean all(int bits) {
    return bits == allStripes();
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
   * {@code peerId} was lost (it failed, stalled or was banned). Each stripe it was the parent of
   * goes to its adoptive parent, once, or is opened if there is none (or it was lost too). Returns
   * the new parents to ask what they hold.
   */
  List<PeerAddress> lost(int peerId) {
    if (peerId == DRIVER || !lostIds.add(peerId)) {
      return List.of();
    }
    List<PeerAddress> ask = List.of();
    for (int s = 0; s < parents.length; s++) {
      if (parents[s] != peerId) {
        continue;
      }
      int adopter = adoptive[s];
      adoptive[s] = NONE;
      if (adopter == DRIVER) {
        parents[s] = DRIVER;
      } else if (adopter != NONE && !lostIds.contains(adopter)) {
        parents[s] = adopter;
        if (ask.isEmpty()) {
          ask = new ArrayList<>(1);
        }
        ask.add(adoptiveAddress[s]);
      } else {
        open |= 1 << s;
        orphanedByRoot |= rootParents & (1 << s);
      }
    }
    return ask;
  }

  /** Opens every stripe: the driver is gone, or the fetch falls back to the mesh. */
  void openAll() {
    open = allStripes();
  }

  @Override
  public String toString() {
    return "StripeParents" + Arrays.toString(parents) + " open=" + Integer.toBinaryString(open);
  }
}
