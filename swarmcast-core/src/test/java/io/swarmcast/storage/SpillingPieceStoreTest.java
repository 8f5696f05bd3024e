package io.swarmcast.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SpillingPieceStoreTest {
  private static final int PIECE = 512 << 10;

  @TempDir Path tmp;

  @Test
  void piecesBeyondTheBudgetGoToDiskAndComeBackIntact() throws Exception {
    Path dir = tmp.resolve("node");
    try (SpillingPieceStore store =
        new SpillingPieceStore(PIECE + PIECE / 2, ByteBufAllocator.DEFAULT, () -> dir)) {
      byte[][] pieces = new byte[4][];
      for (int i = 0; i < 4; i++) {
        pieces[i] = random(i == 3 ? 1000 : PIECE, i);
        assertThat(store.put(9, i, Unpooled.wrappedBuffer(pieces[i]))).isTrue();
      }
      assertThat(store.put(9, 2, Unpooled.wrappedBuffer(pieces[2])))
          .as("a piece stored twice")
          .isFalse();
      assertThat(store.spilledBytes())
          .as("pieces 1 and 2 did not fit; the small piece 3 did")
          .isEqualTo(2L * PIECE);
      assertThat(store.bytesStored()).isEqualTo(3L * PIECE + 1000);
      assertThat(store.broadcastCount()).isEqualTo(1);
      assertThat(store.hasOnDisk(9)).isTrue();
      for (int i = 0; i < 4; i++) {
        assertThat(store.contains(9, i)).isTrue();
        ByteBuf b = store.get(9, i);
        try {
          assertThat(ByteBufUtil.getBytes(b)).as("piece %d", i).isEqualTo(pieces[i]);
        } finally {
          b.release();
        }
      }
      assertThat(store.region(9, 0)).as("piece 0 is in memory").isNull();
      FileRegion r = store.region(9, 2);
      assertThat(r.count()).isEqualTo(PIECE);
      r.release();
      Path file = store.spillFile(9);
      assertThat(file).exists().startsWith(dir);
      assertThat(store.removeBroadcast(9)).isEqualTo(4);
      assertThat(file).doesNotExist();
      assertThat(dir).as("the emptied directory goes too").doesNotExist();
      assertThat(store.bytesStored()).isZero();
    }
  }

  @Test
  void aSpillThatCannotBeWrittenNamesThePathAndTheBroadcastAndKeepsWhatIsHeld() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("plain-file"), "x");
    try (SpillingPieceStore store =
        new SpillingPieceStore(
            PIECE, ByteBufAllocator.DEFAULT, () -> notADirectory.resolve("node"))) {
      assertThat(store.put(4, 0, Unpooled.wrappedBuffer(random(PIECE, 1)))).isTrue();
      ByteBuf second = Unpooled.wrappedBuffer(random(PIECE, 2));
      assertThatThrownBy(() -> store.put(4, 1, second))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("Broadcast(4)")
          .hasMessageContaining(notADirectory.toString());
      assertThat(second.refCnt()).as("the piece's buffer is released").isZero();
      assertThat(store.contains(4, 0)).as("what was held stays held").isTrue();
      assertThat(store.contains(4, 1)).isFalse();
    }
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }
}
