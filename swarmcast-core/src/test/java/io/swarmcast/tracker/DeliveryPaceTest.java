package io.swarmcast.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's sense of which executors are slow, and what it then sends them, through the public
 * {@link Tracker}.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeliveryPaceTest {
  private static final long PIECE = 128 << 10;
  private static final long MS = 1_000_000;

  @Test
  void anExecutorWhosePiecesArriveFarSlowerThanTheSwarmsGetsNoFreshPieceButStillAStalledOnesCopy() {
    Tracker t = new Tracker((executor, notice) -> {});
    for (int i = 0; i < 10; i++) {
      t.register("10.0.0." + i, 7000);
    }
    t.addBroadcast(1, 100, true);
    for (int round = 0; round < 4; round++) {
      for (int e = 1; e <= 9; e++) {
        t.delivered(e, PIECE, MS); // 1 ms a piece
      }
      t.delivered(10, PIECE, 20 * MS); // 20 ms a piece
    }
    assertThat(t.choosePieceToSend(1, 10, new BitSet(), false))
        .as("slow: nothing fresh")
        .isEqualTo(-1);
    assertThat(t.choosePieceToSend(1, 10, new BitSet(), true))
        .as("stalled: it may have a copy")
        .isNotNegative();
    assertThat(t.choosePieceToSend(1, 3, new BitSet(), false)).as("a fast one").isNotNegative();
  }

  @Test
  void whenEveryExecutorIsSlowNoneIs() {
    Tracker t = new Tracker((executor, notice) -> {});
    t.register("a", 1);
    t.register("b", 1);
    t.addBroadcast(1, 10, true);
    for (int round = 0; round < 4; round++) {
      t.delivered(1, PIECE, 100 * MS);
      t.delivered(2, PIECE, 120 * MS);
    }
    assertThat(t.choosePieceToSend(1, 1, new BitSet(), false)).isNotNegative();
    assertThat(t.choosePieceToSend(1, 2, new BitSet(), false)).isNotNegative();
  }

  @Test
  void oneSlowDeliveryIsNotEnoughToJudge() {
    Tracker t = new Tracker((executor, notice) -> {});
    t.register("a", 1);
    t.register("b", 1);
    t.addBroadcast(1, 10, true);
    for (int round = 0; round < 4; round++) {
      t.delivered(1, PIECE, MS);
    }
    t.delivered(2, PIECE, 50 * MS);
    assertThat(t.choosePieceToSend(1, 2, new BitSet(), false)).isNotNegative();
  }
}
