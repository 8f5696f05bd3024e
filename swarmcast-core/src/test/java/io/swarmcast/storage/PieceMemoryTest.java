package io.swarmcast.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PieceMemoryTest {
  private static final int MIB = 1 << 20;
  private final PieceMemory memory = new PieceMemory(UnpooledByteBufAllocator.DEFAULT, 8L * MIB);

  @AfterEach
  void tearDown() {
    memory.clear();
  }

  @Test
  void aReleasedPieceBufferServesTheNextRequestOfItsSize() {
    ByteBuf first = memory.directBuffer(MIB, MIB);
    assertThat(first.capacity()).isEqualTo(MIB);
    assertThat(first.writerIndex()).isZero();
    first.writeBytes(new byte[MIB]);
    first.release();
    assertThat(memory.idleBytes()).isEqualTo(MIB);

    ByteBuf second = memory.directBuffer(MIB, MIB);
    assertThat(second.writerIndex()).isZero();
    assertThat(second.capacity()).isEqualTo(MIB);
    assertThat(memory.freshBytes()).isEqualTo(MIB);
    assertThat(memory.reusedBytes()).isEqualTo(MIB);
    assertThat(memory.idleBytes()).isZero();
    second.release();
  }

  @Test
  void idleMemoryNeverExceedsTheRetainBound() {
    List<ByteBuf> held = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      held.add(memory.directBuffer(MIB, MIB));
    }
    held.forEach(ByteBuf::release);
    assertThat(memory.idleBytes()).isEqualTo(8L * MIB);
  }

  @Test
  void preTouchedBlocksAreCutIntoSmallerPiecesThatDoNotOverlap() {
    assertThat(memory.preTouch(4L * MIB, 4 * MIB)).isEqualTo(4L * MIB);
    long fresh = memory.freshBytes();
    int size = 512 << 10;
    List<ByteBuf> pieces = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ByteBuf b = memory.directBuffer(size, size);
      assertThat(b.capacity()).isEqualTo(size);
      byte[] fill = new byte[size];
      Arrays.fill(fill, (byte) i);
      b.writeBytes(fill); // one call: the paranoid leak detector records every access
      pieces.add(b);
    }
    assertThat(memory.freshBytes()).as("all eight cut from the pre-touched block").isEqualTo(fresh);
    assertThat(memory.reusedBytes()).isEqualTo(4L * MIB);
    for (int i = 0; i < 8; i++) {
      ByteBuf b = pieces.get(i);
      byte[] read = new byte[size];
      b.getBytes(0, read);
      byte[] expected = new byte[size];
      Arrays.fill(expected, (byte) i);
      assertThat(read).isEqualTo(expected);
      b.release();
    }
    assertThat(memory.idleBytes()).isEqualTo(4L * MIB);
  }

  @Test
  void smallOrGrowableRequestsGoToTheFallback() {
    ByteBuf small = memory.directBuffer(1024, 1024);
    ByteBuf growable = memory.directBuffer(MIB, 4 * MIB);
    small.release();
    growable.release();
    assertThat(memory.freshBytes()).isZero();
    assertThat(memory.idleBytes()).isZero();
  }

  @Test
  void afterClearNothingIsKept() {
    ByteBuf b = memory.directBuffer(MIB, MIB);
    memory.clear();
    b.release();
    assertThat(memory.idleBytes()).isZero();
    assertThat(memory.preTouch(4L * MIB, MIB)).isZero();
  }
}
