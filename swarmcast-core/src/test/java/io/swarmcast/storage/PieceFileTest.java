package io.swarmcast.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PieceFileTest {
  @TempDir Path tmp;

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SplittableRandom(n).nextBytes(b);
    return b;
  }

  private static ByteBuf direct(byte[] bytes, int from, int to) {
    ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(to - from);
    return b.writeBytes(bytes, from, to - from);
  }

  private static byte[] bytes(ByteBuf b) {
    try {
      byte[] out = new byte[b.readableBytes()];
      b.getBytes(b.readerIndex(), out);
      return out;
    } finally {
      b.release();
    }
  }

  @Test
  void piecesWrittenOutOfOrderLandAtTheirOffsetsAndReadBack() throws Exception {
    byte[] content = random(10_000);
    Path path = tmp.resolve("node/1-file");
    PieceFile file = PieceFile.create(1, path, content.length, 4096);
    assertThat(file.pieceCount()).isEqualTo(3);
    assertThat(file.pieceBytes(2)).isEqualTo(10_000 - 8192);
    assertThat(file.read(0, ByteBufAllocator.DEFAULT)).as("nothing held yet").isNull();
    assertThat(file.write(2, direct(content, 8192, 10_000))).isTrue();
    assertThat(file.write(0, direct(content, 0, 4096))).isTrue();
    assertThat(file.write(0, direct(content, 0, 4096))).as("held already").isFalse();
    assertThat(file.complete()).isFalse();
    assertThat(file.write(1, direct(content, 4096, 8192))).isTrue();
    assertThat(file.complete()).isTrue();
    assertThat(file.bytesHeld()).isEqualTo(content.length);
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
    assertThat(bytes(file.read(1, ByteBufAllocator.DEFAULT)))
        .isEqualTo(Arrays.copyOfRange(content, 4096, 8192));
    FileRegion region = file.region(2);
    assertThat(region.position()).isEqualTo(8192);
    assertThat(region.count()).isEqualTo(10_000 - 8192);
    region.release();
    file.close();
    assertThat(path).as("an executor's file goes with it").doesNotExist();
    assertThat(path.getParent()).as("and so does its empty directory").doesNotExist();
  }

  @Test
  void aPieceOfTheWrongLengthIsRefusedAndReleased() throws Exception {
    PieceFile file = PieceFile.create(1, tmp.resolve("f"), 100, 64);
    ByteBuf wrong = direct(random(10), 0, 10);
    assertThatThrownBy(() -> file.write(1, wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 36 bytes, not 10");
    assertThat(wrong.refCnt()).isZero();
    file.close();
  }

  @Test
  void theDriversSourceHoldsEveryPieceAndIsNeverDeleted() throws Exception {
    byte[] content = random(5000);
    Path path = Files.write(tmp.resolve("model.bin"), content);
    PieceFile source = PieceFile.source(7, path, 1024);
    assertThat(source.pieceCount()).isEqualTo(5);
    assertThat(source.complete()).isTrue();
    assertThat(source.write(0, direct(content, 0, 1024))).as("a source is never written").isFalse();
    assertThat(bytes(source.read(4, ByteBufAllocator.DEFAULT)))
        .isEqualTo(Arrays.copyOfRange(content, 4096, 5000));
    source.close();
    assertThat(Files.readAllBytes(path)).isEqualTo(content);
  }

  @Test
  void aFullDiskNamesTheFileAndTheBroadcastAndKeepsWhatIsHeld() throws Exception {
    Path full = Path.of("/dev/full");
    assumeThat(Files.isWritable(full)).as("/dev/full (Linux)").isTrue();
    PieceFile file =
        PieceFile.target(9, full, FileChannel.open(full, StandardOpenOption.WRITE), 8192, 4096);
    ByteBuf piece = Unpooled.directBuffer(4096).writeZero(4096);
    assertThatThrownBy(() -> file.write(1, piece))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("/dev/full")
        .hasMessageContaining("Broadcast(9)")
        .hasMessageContaining("piece 1");
    assertThat(piece.refCnt()).as("released").isZero();
    assertThat(file.has(1)).isFalse();
  }
}
