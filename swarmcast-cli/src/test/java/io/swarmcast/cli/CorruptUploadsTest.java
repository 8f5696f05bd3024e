package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swarmcast.storage.Checksums;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --corrupt-uploads}: what is sent instead of a stored piece, and who owns which buffer. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CorruptUploadsTest {
  @Test
  void sendsACopyThatFailsItsChecksumAndLeavesTheStoredPieceIntact() {
    byte[] bytes = new byte[65536];
    new Random(2).nextBytes(bytes);
    ByteBuf stored = Unpooled.wrappedBuffer(bytes.clone());
    ByteBuf duplicate = stored.retainedDuplicate(); // what the store hands out
    ByteBuf sent = new CorruptUploads().apply(1, 0, duplicate);
    try {
      assertThat(sent).isNotSameAs(duplicate);
      assertThat(stored.refCnt()).as("the filter released the duplicate it was given").isEqualTo(1);
      assertThat(ByteBufUtil.getBytes(stored)).as("the stored copy").isEqualTo(bytes);
      byte[] out = ByteBufUtil.getBytes(sent);
      assertThat(out).hasSameSizeAs(bytes);
      int differingBits = 0;
      for (int i = 0; i < bytes.length; i++) {
        differingBits += Integer.bitCount((out[i] ^ bytes[i]) & 0xff);
      }
      assertThat(differingBits).isEqualTo(1);
      assertThat(Checksums.crc32c(sent)).isNotEqualTo(Checksums.crc32c(stored));
    } finally {
      sent.release();
      stored.release();
    }
  }

  @Test
  void sendsAnEmptyPieceAsItIs() {
    ByteBuf empty = Unpooled.buffer(0);
    assertThat(new CorruptUploads().apply(1, 0, empty)).isSameAs(empty);
    empty.release();
  }
}
