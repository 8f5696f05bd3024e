package io.swarmcast.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.StripeParents;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StripeTreeTest {
  @Test
  void everyExecutorHangsUnderTheDriverInEveryStripeWithoutCycles() {
    for (int k = 1; k <= 4; k++) {
      for (int n = 1; n <= 300; n += n < 20 ? 1 : 37) {
        int[][] parents = new int[n][];
        for (int j = 0; j < n; j++) {
          parents[j] = StripeTree.parents(j, n, k);
        }
        for (int s = 0; s < k; s++) {
          int roots = 0;
          int[] children = new int[n];
          for (int j = 0; j < n; j++) {
            int hops = 0;
            for (int at = j; at >= 0; at = parents[at][s]) {
              assertThat(++hops).as("k=%d n=%d s=%d j=%d", k, n, s, j).isLessThanOrEqualTo(n);
            }
            int p = parents[j][s];
            if (p < 0) {
              roots++;
            } else {
              assertThat(p % k).as("a parent is an inner node of its stripe").isEqualTo(s);
              children[p]++;
            }
          }
          if (n > s) {
            assertThat(roots).as("k=%d n=%d s=%d: one root", k, n, s).isEqualTo(1);
          }
          for (int j = 0; j < n; j++) {
            // one more than k only where the last stripes' inner nodes are short of room
            if (n >= k * k) {
              assertThat(children[j])
                  .as("k=%d n=%d s=%d j=%d", k, n, s, j)
                  .isLessThanOrEqualTo(k + 1);
            }
            if (n % k == 0) {
              assertThat(children[j]).isLessThanOrEqualTo(k);
            }
          }
        }
      }
    }
  }

  @Test
  void executorsThatMayNotBeInnerNodesAreLeavesUnderTheDeepestInnerNodes() {
    int k = 2;
    int n = 100;
    int eligible = 90;
    int[] children = new int[n];
    for (int j = 0; j < n; j++) {
      int[] parents = StripeTree.parents(j, n, eligible, k);
      for (int s = 0; s < k; s++) {
        if (parents[s] >= 0) {
          assertThat(parents[s]).as("j=%d s=%d", j, s).isLessThan(eligible);
          children[parents[s]]++;
        }
      }
    }
    for (int j = 0; j < eligible; j++) {
      assertThat(children[j]).as("j=%d", j).isLessThanOrEqualTo(k + 1);
    }
    for (int j = eligible; j < n; j++) {
      assertThat(children[j]).as("a leaf-only executor %d has no children", j).isZero();
    }
    // the 45 inner nodes of each stripe have 90 child slots for 99 executors: 9 extra, at the
    // deepest inner nodes (indices 80..89), none at the top
    assertThat(children[0]).isEqualTo(k);
    assertThat(children[89]).isEqualTo(k + 1);
  }

  @Test
  void theTrackerMakesAnExecutorThatSaysItIsSlowALeafOfEveryTree() {
    Tracker tracker = new Tracker((executor, notice) -> {}, new SplittableRandom(1), 16);
    List<Integer> ids = register(tracker, 12);
    tracker.leafOnly(ids.get(0));
    tracker.leafOnly(ids.get(5));
    tracker.addBroadcast(7, 64, true, 0);
    for (int id : ids) {
      StripeParents p = tracker.stripeParents(id, 7, 2).orElseThrow();
      for (int s = 0; s < 2; s++) {
        assertThat(p.parent(s)).as("executor %d stripe %d", id, s).isNotIn(ids.get(0), ids.get(5));
      }
    }
  }

  @Test
  void theOrphansOfALostExecutorGoOneEachToItsParents() {
    for (int k = 2; k <= 3; k++) {
      int n = 200;
      for (int x = 0; x < n; x++) {
        int[] xParents = StripeTree.parents(x, n, k);
        List<Integer> adopters = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          int[] parents = StripeTree.parents(j, n, k);
          int[] adoptive = StripeTree.adoptive(j, n, n, k);
          for (int s = 0; s < k; s++) {
            if (parents[s] == x) {
              assertThat(adoptive[s]).as("k=%d x=%d j=%d s=%d", k, x, j, s).isNotEqualTo(j);
              if (adoptive[s] != -2) {
                assertThat(xParents).as("an adopter is one of x's parents").contains(adoptive[s]);
                adopters.add(adoptive[s]);
              }
            }
          }
        }
        // x's children each go to another of x's parents (k children at most, k parents)
        assertThat(adopters).as("k=%d x=%d", k, x).doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void anExecutorThatJoinsAfterTheTreesWereFirstAskedForIsALeaf() {
    Tracker tracker = new Tracker((executor, notice) -> {}, new SplittableRandom(1), 16);
    List<Integer> ids = register(tracker, 10);
    tracker.addBroadcast(7, 64, true, 0);
    StripeParents first = tracker.stripeParents(ids.get(3), 7, 2).orElseThrow();
    ids.addAll(register(tracker, 4));
    assertThat(tracker.stripeParents(ids.get(3), 7, 2).orElseThrow().parent(0))
        .as("the place of one that asked before stands")
        .isEqualTo(first.parent(0));
    for (int id : ids) {
      StripeParents p = tracker.stripeParents(id, 7, 2).orElseThrow();
      for (int s = 0; s < 2; s++) {
        assertThat(p.parent(s)).as("executor %d stripe %d", id, s).isNotIn(ids.subList(10, 14));
      }
    }
  }

  @Test
  void innerNodesKeepTheirParentsAsExecutorsJoin() {
    int k = 2;
    for (int j = 0; j < 50; j++) {
      int[] before = StripeTree.parents(j, 60, k);
      int[] after = StripeTree.parents(j, 1000, k);
      assertThat(after[j % k]).isEqualTo(before[j % k]);
    }
  }

  @Test
  void aPlaceNamesTheDriverForARootItsRootParentsAndRefusesAStranger() {
    int[] ids = {3, 5, 8, 13};
    assertThat(parents(place(ids, 3))).containsExactly(StripeParents.DRIVER, 5);
    assertThat(parents(place(ids, 5))).containsExactly(3, StripeParents.DRIVER);
    assertThat(parents(place(ids, 8))).containsExactly(3, 13);
    assertThat(place(ids, 8).rootParents())
        .as("8's parent in stripe 0 is that stripe's root, 3")
        .isEqualTo(0b01);
    assertThat(place(ids, 3).rootParents()).isEqualTo(0b10);
    assertThat(place(ids, 13).rootParents()).as("8, not a root, sends 13 stripe 0").isEqualTo(0b10);
    assertThatThrownBy(() -> place(ids, 4)).hasMessageContaining("executor 4 is not registered");
  }

  /** {@code askerId}'s place in 2 stripes of 16 pieces over {@code ids}, all eligible. */
  private static StripeParents place(int[] ids, int askerId) {
    return StripeTree.place(
        ids, ids.length, askerId, 2, 16, id -> new PeerAddress(id, "10.0.0." + id, 7000));
  }

  private static int[] parents(StripeParents p) {
    int[] out = new int[p.stripes()];
    for (int s = 0; s < out.length; s++) {
      out[s] = p.parent(s);
    }
    return out;
  }

  /** Registers {@code n} more executors with {@code tracker}; their ids. */
  private static List<Integer> register(Tracker tracker, int n) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(tracker.register("10.1.0." + (i + 1), 7000).id());
    }
    return ids;
  }
}
