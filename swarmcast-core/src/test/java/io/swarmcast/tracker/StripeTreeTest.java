package io.swarmcast.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.swarm.StripeParents;
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
  void innerNodesKeepTheirParentsAsExecutorsJoin() {
    int k = 2;
    for (int j = 0; j < 50; j++) {
      int[] before = StripeTree.parents(j, 60, k);
      int[] after = StripeTree.parents(j, 1000, k);
      assertThat(after[j % k]).isEqualTo(before[j % k]);
    }
  }

  @Test
  void parentIdsNameTheDriverForARootAndRefuseAStranger() {
    int[] ids = {3, 5, 8, 13};
    assertThat(StripeTree.parentIds(ids, 3, 2)).containsExactly(StripeParents.DRIVER, 5);
    assertThat(StripeTree.parentIds(ids, 5, 2)).containsExactly(3, StripeParents.DRIVER);
    assertThat(StripeTree.parentIds(ids, 8, 2)).containsExactly(3, 13);
    assertThatThrownBy(() -> StripeTree.parentIds(ids, 4, 2))
        .hasMessageContaining("executor 4 is not registered");
  }
}
