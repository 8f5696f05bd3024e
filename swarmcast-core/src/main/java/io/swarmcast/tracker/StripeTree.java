package io.swarmcast.tracker;

import io.swarmcast.swarm.StripeParents;
import java.util.Arrays;

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
    if (k < 1 || index < 0 || index >= n) {
      throw new IllegalArgumentException("index " + index + " of " + n + ", " + k + " stripes");
    }
    int[] out = new int[k];
    for (int s = 0; s < k; s++) {
      int inner = inner(n, k, s);
      int position;
      if (index % k == s) {
        position = index / k;
      } else {
        // leaves in index order: this one's rank among the indices not ≡ s (mod k) below it
        int innerBelow = index < s ? 0 : (index - s - 1) / k + 1;
        position = inner + index - innerBelow;
      }
      if (position == 0 || inner == 0) {
        out[s] = -1; // the root, or fewer executors than stripes: the driver sends it
      } else {
        // The last stripes' inner nodes can be one short of room for every leaf (5 executors, 3
        // stripes: stripe 2 has one inner node); the leaves past them share the inner nodes.
        int q = (position - 1) / k;
        out[s] = atPosition(q < inner ? q : (position - 1) % inner, k, s);
      }
    }
    return out;
  }

  /** How many of {@code n} indices are inner nodes of stripe {@code s}. */
  static int inner(int n, int k, int s) {
    return n <= s ? 0 : (n - 1 - s) / k + 1;
  }

  /** The index of the inner node at {@code position} (inner nodes come first). */
  private static int atPosition(int position, int k, int s) {
    return position * k + s;
  }

  /** {@link #parents} as executor ids, {@link StripeParents#DRIVER} for the driver. */
  static int[] parentIds(int[] sortedIds, int askerId, int k) {
    int index = Arrays.binarySearch(sortedIds, askerId);
    if (index < 0) {
      throw new IllegalArgumentException("executor " + askerId + " is not registered");
    }
    int[] parents = parents(index, sortedIds.length, k);
    int[] ids = new int[k];
    for (int s = 0; s < k; s++) {
      ids[s] = parents[s] < 0 ? StripeParents.DRIVER : sortedIds[parents[s]];
    }
    return ids;
  }
}
