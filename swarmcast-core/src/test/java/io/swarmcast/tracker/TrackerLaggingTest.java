package io.swarmcast.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An executor far behind the swarm is told "not now" for fresh pieces (see Tracker.NOT_NOW). */
@Timeout(30)
class TrackerLaggingTest {
  private static final long ID = 7;
  private static final int PIECES = 1024;

  private final Tracker tracker = new Tracker((executor, notice) -> {});

  /** Three executors holding {@code held} pieces each, and one holding none; returns its id. */
  private int swarmWithOneBehind(int held) {
    tracker.addBroadcast(ID, PIECES, true);
    for (int i = 0; i < 3; i++) {
      int id = tracker.register("10.0.0." + (i + 1), 7078).id();
      BitSet pieces = new BitSet();
      pieces.set(0, held);
      tracker.announce(id, ID, pieces);
    }
    return tracker.register("10.0.0.9", 7078).id();
  }

  @Test
  void anExecutorFarBehindTheSwarmGetsNoFreshPieceButIsToldToAskAgain() {
    int behind = swarmWithOneBehind(400); // mean 300 pieces: 0 is far behind
    assertThat(tracker.choosePieceToSend(ID, behind, new BitSet(), false))
        .isEqualTo(Tracker.NOT_NOW);
    // Stalled, it still gets a copy; and an executor keeping up gets a fresh piece.
    assertThat(tracker.choosePieceToSend(ID, behind, new BitSet(), true)).isBetween(0, PIECES - 1);
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isBetween(0, PIECES - 1);
  }

  @Test
  void earlyInABroadcastNobodyLags() {
    int behind = swarmWithOneBehind(40); // mean 30: too few to judge
    assertThat(tracker.choosePieceToSend(ID, behind, new BitSet(), false)).isNotNegative();
  }

  @Test
  void onceNothingFreshIsLeftALaggingExecutorIsDeclinedNotToldToWait() {
    int behind = swarmWithOneBehind(400);
    for (int i = 0; i < PIECES; i++) {
      assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isNotNegative();
    }
    assertThat(tracker.choosePieceToSend(ID, behind, new BitSet(), false)).isEqualTo(-1);
  }

  @Test
  void anExecutorThatCatchesUpGetsFreshPiecesAgain() {
    int behind = swarmWithOneBehind(400);
    BitSet caughtUp = new BitSet();
    caughtUp.set(0, 100);
    tracker.announce(behind, ID, caughtUp); // mean 325: 100 is within 8 times of it
    assertThat(tracker.choosePieceToSend(ID, behind, new BitSet(), false)).isNotNegative();
  }
}
