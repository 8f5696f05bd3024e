package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AnnouncementBatchTest {
  private static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }

  @Test
  void peersPiecesGoInBatchesAndTheDriversAlone() {
    AnnouncementBatch batch = new AnnouncementBatch(64, new BitSet(), 16); // a batch every 4 pieces
    assertThat(batch.announcedAlone(false)).isFalse();
    assertThat(batch.announcedAlone(true)).isTrue();
    assertThat(batch.stored(10, false)).isNull();
    assertThat(batch.stored(3, true))
        .as("the driver's piece is announced alone; the batch waits")
        .isNull();
    assertThat(batch.stored(11, false)).isNull();
    assertThat(batch.stored(12, false)).isNull();
    assertThat(batch.stored(40, false)).isEqualTo(bits(10, 11, 12, 40));
    assertThat(batch.stored(41, false)).as("a new batch starts").isNull();
  }

  @Test
  void theLastPieceSendsWhateverIsPendingSoTheDriverEndsUpKnowingEveryPiece() {
    BitSet alreadyHeld = bits(0, 1, 2, 3, 4);
    AnnouncementBatch batch = new AnnouncementBatch(8, alreadyHeld, 2); // a batch every 4 pieces
    assertThat(batch.stored(5, false)).isNull();
    assertThat(batch.stored(6, false)).isNull();
    assertThat(batch.stored(7, true)).as("the fetch is complete").isEqualTo(bits(5, 6));
  }

  @Test
  void nothingPendingAtTheEndSendsNothing() {
    AnnouncementBatch batch = new AnnouncementBatch(2, new BitSet(), 16);
    assertThat(batch.stored(0, true)).isNull();
    assertThat(batch.stored(1, true)).isNull();
  }

  @Test
  void withoutBatchesEveryPieceIsAnnouncedAlone() {
    AnnouncementBatch batch = new AnnouncementBatch(64, new BitSet(), 0);
    assertThat(batch.announcedAlone(false)).isTrue();
    assertThat(batch.stored(9, false)).as("nothing is held back").isNull();
  }

  @Test
  void aBroadcastOfFewerPiecesThanBatchesAnnouncesEachPiece() {
    AnnouncementBatch batch = new AnnouncementBatch(4, new BitSet(), 16);
    assertThat(batch.announcedAlone(false)).isTrue();
  }
}
