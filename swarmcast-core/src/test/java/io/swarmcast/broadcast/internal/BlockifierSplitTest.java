package io.swarmcast.broadcast.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.Serializers;
import io.swarmcast.storage.Checksums;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Piece sizing for swarms: smaller pieces for more executors, and a ramp of small first pieces. */
@Timeout(30)
class BlockifierSplitTest {
  private static final int MIB = 1 << 20;

  @Test
  void pieceSizeShrinksWithTheSwarmButNotBelowTheMinimum() {
    assertThat(Blockifier.pieceSizeFor(128L * MIB, 4 * MIB, 64 << 10, 64, 1)).isEqualTo(2 * MIB);
    assertThat(Blockifier.pieceSizeFor(128L * MIB, 4 * MIB, 64 << 10, 64, 8)).isEqualTo(256 << 10);
    assertThat(Blockifier.pieceSizeFor(128L * MIB, 4 * MIB, 64 << 10, 64, 16)).isEqualTo(128 << 10);
    assertThat(Blockifier.pieceSizeFor(128L * MIB, 4 * MIB, 64 << 10, 64, 1000))
        .isEqualTo(64 << 10);
    assertThat(Blockifier.pieceSizeFor(1L << 40, 4 * MIB, 64 << 10, 64, 16)).isEqualTo(4 * MIB);
    // An odd block size is halved only while it stays a divisor.
    assertThat(Blockifier.pieceSizeFor(128L * MIB, 3 * MIB, 1024, 64, 16)).isEqualTo(3 * MIB / 32);
  }

  @Test
  void splitRampsUpAndKeepsEveryByteInOrder() throws Exception {
    byte[] value = new byte[5 * MIB + 12345];
    new SplittableRandom(5).nextBytes(value);
    Blockifier.Pieces blocks =
        Blockifier.blockify(
            value,
            Serializers.byName("java"),
            CompressionCodec.NONE,
            MIB,
            UnpooledByteBufAllocator.DEFAULT);
    long total = blocks.totalBytes();
    Blockifier.Pieces pieces = Blockifier.split(blocks.buffers(), MIB, 256 << 10, 64 << 10, 3);
    try {
      List<Integer> sizes = new ArrayList<>();
      long sum = 0;
      for (int i = 0; i < pieces.buffers().size(); i++) {
        ByteBuf p = pieces.buffers().get(i);
        sizes.add(p.readableBytes());
        sum += p.readableBytes();
        assertThat(pieces.checksums()[i]).isEqualTo(Checksums.crc32c(p));
      }
      assertThat(sum).isEqualTo(total);
      assertThat(sizes.subList(0, 7))
          .containsExactly(
              64 << 10, 64 << 10, 64 << 10, 128 << 10, 128 << 10, 128 << 10, 256 << 10);
      assertThat(sizes).allMatch(s -> s <= 256 << 10);
      Object back =
          Blockifier.unblockify(
              pieces.buffers(),
              Serializers.byName("java"),
              CompressionCodec.NONE,
              getClass().getClassLoader());
      assertThat((byte[]) back).isEqualTo(value);
    } finally {
      pieces.release();
    }
  }

  @Test
  void pieceSizesForATotalAreTheSizesSplitCuts() throws Exception {
    byte[] value = new byte[5 * MIB + 12345];
    Blockifier.Pieces blocks =
        Blockifier.blockify(
            value,
            Serializers.byName("java"),
            CompressionCodec.NONE,
            MIB,
            UnpooledByteBufAllocator.DEFAULT);
    long total = blocks.totalBytes();
    Blockifier.Cut cut = Blockifier.Cut.swarm(total, MIB, 64 << 10, 16, 2, 8);
    Blockifier.Pieces pieces =
        Blockifier.split(
            blocks.buffers(), MIB, cut.pieceSize(), cut.firstPieceSize(), cut.perStep());
    try {
      int[] cutSizes = pieces.buffers().stream().mapToInt(ByteBuf::readableBytes).toArray();
      assertThat(
              Blockifier.pieceSizes(
                  total, MIB, cut.pieceSize(), cut.firstPieceSize(), cut.perStep()))
          .containsExactly(cutSizes);
      assertThat(cut.perStep()).isEqualTo(16); // two pieces asked at once by each of 8 executors
    } finally {
      pieces.release();
    }
  }

  @Test
  void aPieceNeverSpansTwoBlocks() throws Exception {
    byte[] value = new byte[3 * MIB];
    Blockifier.Pieces blocks =
        Blockifier.blockify(
            value,
            Serializers.byName("java"),
            CompressionCodec.NONE,
            MIB,
            UnpooledByteBufAllocator.DEFAULT);
    // A ramp of 3 x 384 KiB would cross the first block's end at 1 MiB: the third piece is cut
    // there.
    Blockifier.Pieces pieces = Blockifier.split(blocks.buffers(), MIB, MIB, 384 << 10, 3);
    try {
      long offset = 0;
      for (ByteBuf p : pieces.buffers()) {
        long end = offset + p.readableBytes();
        assertThat(offset / MIB)
            .as("piece at %d..%d stays in one block", offset, end)
            .isEqualTo((end - 1) / MIB);
        offset = end;
      }
    } finally {
      pieces.release();
    }
  }

  @Test
  void aPieceSizeThatDoesNotDivideTheBlockIsRejected() throws Exception {
    Blockifier.Pieces blocks =
        Blockifier.blockify(
            new byte[10],
            Serializers.byName("java"),
            CompressionCodec.NONE,
            MIB,
            UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThatThrownBy(() -> Blockifier.split(blocks.buffers(), MIB, 3000, 3000, 1))
          .hasMessageContaining("does not divide");
    } finally {
      blocks.release();
    }
  }
}
