package io.swarmcast.swarm;

import static io.swarmcast.TestData.bits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PieceSelectorTest {

  @Test
  void rarestFirstPicksTheUniqueRarestCandidate() {
    PieceSelector selector = PieceSelector.rarestFirst(new Random(1));
    int[] holders = {5, 3, 9, 1, 4, 2};
    // Piece 3 is the rarest overall; without it, piece 5 is.
    for (int i = 0; i < 20; i++) {
      assertThat(selector.select(bits(0, 1, 2, 3, 4, 5), holders)).isEqualTo(3);
      assertThat(selector.select(bits(0, 1, 2, 4, 5), holders)).isEqualTo(5);
      assertThat(selector.select(bits(0, 2), holders)).isEqualTo(0);
    }
  }

  @Test
  void rarestFirstIgnoresRarerPiecesThatAreNotCandidates() {
    PieceSelector selector = PieceSelector.rarestFirst(new Random(2));
    int[] holders = {0, 0, 7, 3, 0, 3};
    for (int i = 0; i < 50; i++) {
      assertThat(selector.select(bits(2, 3, 5), holders)).isIn(3, 5);
    }
  }

  @Test
  void rarestFirstAlwaysPicksACandidateWithTheMinimumHolderCount() {
    Random data = new Random(42);
    PieceSelector selector = PieceSelector.rarestFirst(new Random(7));
    for (int round = 0; round < 2000; round++) {
      int n = 1 + data.nextInt(200);
      int[] holders = new int[n];
      BitSet candidates = new BitSet();
      for (int i = 0; i < n; i++) {
        holders[i] = data.nextInt(6);
        if (data.nextInt(3) > 0) {
          candidates.set(i);
        }
      }
      if (candidates.isEmpty()) {
        candidates.set(data.nextInt(n));
      }
      int min = candidates.stream().map(i -> holders[i]).min().orElseThrow();

      int chosen = selector.select(candidates, holders);

      assertThat(candidates.get(chosen))
          .as("round %d: chosen %d is a candidate", round, chosen)
          .isTrue();
      assertThat(holders[chosen]).as("round %d: holder count of %d", round, chosen).isEqualTo(min);
    }
  }

  @Test
  void rarestFirstSpreadsTiesOverTheTiedPieces() {
    PieceSelector selector = PieceSelector.rarestFirst(new Random(123));
    int[] holders = {4, 1, 4, 1, 4, 1, 4, 1, 0};
    BitSet candidates = bits(0, 1, 2, 3, 4, 5, 6, 7); // piece 8 (0 holders) is not a candidate
    Map<Integer, Integer> picks = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      picks.merge(selector.select(candidates, holders), 1, Integer::sum);
    }
    assertThat(picks.keySet()).as("only the tied rarest pieces are picked").isSubsetOf(1, 3, 5, 7);
    assertThat(picks.size()).as("ties are spread, not always broken the same way").isGreaterThan(1);
    // Uniform among 4 tied pieces: each should get roughly 100 of 400; with a fixed seed this is
    // deterministic.
    assertThat(picks).hasSize(4);
    assertThat(picks.values()).allSatisfy(n -> assertThat(n).isBetween(50, 150));
  }

  @Test
  void rarestFirstTieBreakDependsOnlyOnTheSeed() {
    int[] holders = new int[64];
    BitSet candidates = new BitSet();
    candidates.set(0, 64);
    PieceSelector a = PieceSelector.rarestFirst(new Random(99));
    PieceSelector b = PieceSelector.rarestFirst(new Random(99));
    for (int i = 0; i < 100; i++) {
      assertThat(a.select(candidates, holders)).isEqualTo(b.select(candidates, holders));
    }
  }

  @Test
  void rarestFirstWithASingleCandidatePicksIt() {
    PieceSelector selector = PieceSelector.rarestFirst(new Random(3));
    assertThat(selector.select(bits(17), new int[20])).isEqualTo(17);
  }

  @Test
  void rarestFirstRejectsAnEmptyCandidateSet() {
    PieceSelector selector = PieceSelector.rarestFirst(new Random(3));
    assertThatThrownBy(() -> selector.select(new BitSet(), new int[4]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rarestFirstDoesNotModifyItsArguments() {
    PieceSelector selector = PieceSelector.rarestFirst(new Random(4));
    BitSet candidates = bits(1, 2, 3);
    int[] holders = {0, 2, 2, 1};
    selector.select(candidates, holders);
    assertThat(candidates).isEqualTo(bits(1, 2, 3));
    assertThat(holders).containsExactly(0, 2, 2, 1);
  }

  @Test
  void sequentialPicksTheLowestCandidate() {
    PieceSelector selector = PieceSelector.sequential();
    int[] holders = {0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(selector.select(bits(1, 4, 9), holders)).isEqualTo(1);
    assertThat(selector.select(bits(11, 5, 7), holders)).isEqualTo(5);
    assertThat(selector.select(bits(0), holders)).isEqualTo(0);
  }

  @Test
  void sequentialIgnoresHolderCounts() {
    PieceSelector selector = PieceSelector.sequential();
    Set<Integer> seen = new TreeSet<>();
    for (int i = 0; i < 50; i++) {
      seen.add(selector.select(bits(3, 4, 5), new int[] {0, 0, 0, 10, 1, 0}));
    }
    assertThat(seen).containsExactly(3);
  }
}
