package io.swarmcast.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swarmcast.protocol.MessageDecoder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The budget's bookkeeping on EmbeddedChannels: meters around a real framer, no sockets. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BufferBudgetTest {
  private final BufferBudget budget = new BufferBudget(1000);

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    BufferBudget.Meter meter = budget.meter(ch);
    ch.pipeline().addLast(meter.in(), MessageDecoder.framer(1 << 20), meter.out());
    return ch;
  }

  /**
   * A frame of {@code length} body bytes, of which only the first {@code sent} (prefix included)
   * are given.
   */
  private static ByteBuf partial(int length, int sent) {
    ByteBuf b = Unpooled.buffer().writeInt(length).writeZero(length);
    return b.retainedSlice(0, sent).touch(b.release());
  }

  @Test
  void completeFramesLeaveTheCountAndPartialOnesStay() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.buffer().writeInt(3).writeZero(3).writeInt(100).writeZero(10));
    assertThat(budget.held()).as("the second frame's prefix and 10 bytes").isEqualTo(14);
    ByteBuf frame = ch.readInbound();
    assertThat(frame.readableBytes()).isEqualTo(3);
    frame.release();
    ch.writeInbound(Unpooled.buffer().writeZero(90));
    assertThat(budget.held()).isZero();
    ch.<ByteBuf>readInbound().release();
    ch.finishAndReleaseAll();
  }

  @Test
  void overBudgetTheConnectionHoldingMostIsClosedAndItsBytesLeaveTheCount() {
    EmbeddedChannel small = channel();
    EmbeddedChannel large = channel();
    small.writeInbound(partial(500, 304));
    large.writeInbound(partial(5000, 604));
    assertThat(budget.held()).isEqualTo(908);
    assertThat(small.isActive() && large.isActive()).isTrue();

    small.writeInbound(
        Unpooled.buffer().writeZero(100)); // 1008 > 1000: the large one goes, not this one
    assertThat(large.isActive()).isFalse();
    assertThat(small.isActive()).isTrue();
    large.runPendingTasks();
    assertThat(budget.held()).isEqualTo(404);
    small.finishAndReleaseAll();
    large.finishAndReleaseAll();
    assertThat(budget.held()).isZero();
  }

  @Test
  void aConnectionThatIsItselfTheLargestIsClosedWithoutBufferingMore() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(partial(5000, 1004));
    assertThat(ch.isActive()).isFalse();
    ch.finishAndReleaseAll();
    assertThat(budget.held()).isZero();
  }
}
