package io.swarmcast.tracker;

import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.StripeParents;
import java.util.function.IntFunction;

/**
 * Where an executor sits in a broadcast's {@code k} stripe trees: SplitStream's layout, over the
 * executors registered, in the order of their ids. In stripe {@code s} the inner nodes are the
 * executors whose index {@code j} has {@code j % k == s}, first, in index order, then every other
 * executor as a leaf; a heap with fan-out {@code k} over that order gives each its parent (the
 * first's is the driver). So each executor is an inner node of one stripe only, and forwards that
 * stripe to at most {@code k} children: its upload carries what its download does, one stream of
 * fresh pieces. An inner node's parent is an inner node with a smaller index whatever the number of
 * executors, so executors that register later change only leaves' parents.
 */
final class StripeTree {
  private StripeTree() {}

  /**
   * The parents of the executor at {@code index} among {@code n}, one per stripe: the index of its
   * parent, or -1 for the driver.
   */
  static int[] parents(int index, int n, int k) {
    return parents(index, n, n, k);
  }

  /**
   * As {@link #parents(int, int, int)}, where only the first {@code eligible} indices may be inner
   * nodes: the others (executors on slower links) are leaves of every stripe, so that none holds
   * children to its rate; they hang under the inner nodes as one child more than {@code k} at most
   * (a slow child takes little of its parent's upload).
   */
  static int[] parents(int index, int n, int eligible, int k) {
    check(index, n, eligible, k);
    int[] out = new int[k];
    for (int s = 0; s < k; s++) {
      out[s] = parentOf(position(index, eligible, k, s), eligible, k, s);
    }
    return out;
  }

  /**
   * Whom the executor at {@code index} takes each stripe from if its parent there is lost: for
   * stripe {@code s}, its lost parent's parent in stripe {@code r}, where {@code r} is its rank
   * among that parent's children. A lost executor frees {@code B/k} of each of its {@code k}
   * parents' uploads, and its {@code k} children need {@code B/k} each: each child takes the place
   * of the lost one at one of its parents, which holds every stripe as any node does. The index of
   * that executor, -1 for the driver (a lost root's child in its own stripe becomes the root), or
   * -2 for none (a parent that is the driver, or the adopter would be this executor).
   */
  static int[] adoptive(int index, int n, int eligible, int k) {
    check(index, n, eligible, k);
    int[] out = new int[k];
    for (int s = 0; s < k; s++) {
      int position = position(index, eligible, k, s);
      int parent = parentOf(position, eligible, k, s);
      if (parent < 0) {
        out[s] = -2;
        continue;
      }
      int rank = (position - 1) % k;
      int adopter = parentOf(position(parent, eligible, k, rank), eligible, k, rank);
      out[s] = adopter == index ? -2 : adopter;
    }
    return out;
  }

  private static void check(int index, int n, int eligible, int k) {
    if (k < 1 || index < 0 || index >= n || eligible < 0 || eligible > n) {
      throw new IllegalArgumentException(
          "index " + index + " of " + n + " (" + eligible + " eligible), " + k + " stripes");
    }
  }

  /** Where the executor at {@code index} sits in stripe {@code s}'s heap order. */
  private static int position(int index, int eligible, int k, int s) {
    if (index < eligible && index % k == s) {
      return index / k;
    }
    // leaves in index order: this one's rank among the indices below it that are no inner node of
    // stripe s
    int below = Math.min(index, eligible);
    int innerBelow = below <= s ? 0 : (below - s - 1) / k + 1;
    return inner(eligible, k, s) + index - innerBelow;
  }

  /** The index of the parent of {@code position} in stripe {@code s}; -1 for the driver. */
  private static int parentOf(int position, int eligible, int k, int s) {
    int inner = inner(eligible, k, s);
    if (position == 0 || inner == 0) {
      return -1; // the root, or fewer executors than stripes: the driver sends it
    }
    // The last stripes' inner nodes can be one short of room for every leaf (5 executors, 3
    // stripes: stripe 2 has one inner node), and executors that may not be inner nodes need room
    // too: the leaves past the inner nodes' k children each go one to an inner node, from the
    // deepest up, whose subtree (its own leaves) is the smallest to slow. From the top down, a
    // tenth of 100 executors as extra children took everyone from 1.10 to 1.63 x with equal links,
    // and to 1.26 x with the extra ones ten times slower (simulated).
    int q = (position - 1) / k;
    return atPosition(q < inner ? q : inner - 1 - (position - 1 - inner * k) % inner, k, s);
  }

  /** How many of {@code n} indices are inner nodes of stripe {@code s}. */
  static int inner(int n, int k, int s) {
    return n <= s ? 0 : (n - 1 - s) / k + 1;
  }

  /** The index of the inner node at {@code position} (inner nodes come first). */
  private static int atPosition(int position, int k, int s) {
    return position * k + s;
  }

  /**
   * The asker's place over executors in layout order: its parents, which of them are their stripe's
   * root (the inner node at position 0 of stripe {@code s} has index {@code s}), and each stripe's
   * adoptive parent ({@link #adoptive}), reached at {@code address}. The first {@code eligible} may
   * be inner nodes, the rest are leaves of every stripe; each part in id order.
   */
  static StripeParents place(
      int[] order,
      int eligible,
      int askerId,
      int k,
      int pieceCount,
      IntFunction<PeerAddress> address) {
    int index = -1;
    for (int i = 0; i < order.length && index < 0; i++) {
      index = order[i] == askerId ? i : -1;
    }
    if (index < 0) {
      throw new IllegalArgumentException("executor " + askerId + " is not registered");
    }
    int[] parents = parents(index, order.length, eligible, k);
    int[] ids = new int[k];
    int roots = 0;
    for (int s = 0; s < k; s++) {
      ids[s] = parents[s] < 0 ? StripeParents.DRIVER : order[parents[s]];
      if (parents[s] == s) {
        roots |= 1 << s;
      }
    }
    StripeParents place = new StripeParents(ids, roots, pieceCount);
    int[] adoptive = adoptive(index, order.length, eligible, k);
    for (int s = 0; s < k; s++) {
      if (adoptive[s] == -1) {
        place.adoptive(s, StripeParents.DRIVER, null);
      } else if (adoptive[s] >= 0) {
        place.adoptive(s, order[adoptive[s]], address.apply(order[adoptive[s]]));
      }
    }
    return place;
  }
}
