package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a file broadcast to a swarm is cut: small pieces, but never more than the protocol carries.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FilePieceSizeTest {
  @Test
  void largeFilesAreCutIntoPiecesOfTheCapNotOfTheBlockSize() {
    assertThat(PieceBroadcastFactory.filePieceSize(4 << 20, 128 << 10, 4L << 30))
        .isEqualTo(PieceBroadcastFactory.FILE_SWARM_PIECE_CAP);
  }

  @Test
  void aSmallerCutStaysAndALargerMinimumIsHonoured() {
    assertThat(PieceBroadcastFactory.filePieceSize(128 << 10, 128 << 10, 64L << 20))
        .isEqualTo(128 << 10);
    assertThat(PieceBroadcastFactory.filePieceSize(4 << 20, 1 << 20, 4L << 30)).isEqualTo(1 << 20);
  }

  @Test
  void filesBeyondATebibyteGetLargerPiecesThanTheProtocolsPieceLimitAllows() {
    long fiveTiB = 5L << 40;
    int size = PieceBroadcastFactory.filePieceSize(4 << 20, 128 << 10, fiveTiB);
    assertThat((fiveTiB + size - 1) / size).isLessThanOrEqualTo(1 << 22);
    assertThat(size).isEqualTo(2 << 20);
  }
}
