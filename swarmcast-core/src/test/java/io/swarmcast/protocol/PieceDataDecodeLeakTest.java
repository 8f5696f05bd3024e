package io.swarmcast.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rejected piece frame must not keep a reference to the frame's buffer (a hostile peer could leak
 * memory).
 */
@Timeout(30)
class PieceDataDecodeLeakTest {

  @Test
  void aPieceDataFrameWithAnInvalidPieceIndexIsRejectedWithoutRetainingTheFrame() {
    // <u8 type><i64 requestId><i64 broadcastId><i32 piece = -1><i32 dataLength = 4><4 bytes>
    ByteBuf frame =
        Unpooled.buffer()
            .writeByte(MessageType.PIECE_DATA.id())
            .writeLong(1)
            .writeLong(2)
            .writeInt(-1)
            .writeInt(4)
            .writeInt(0xCAFEBABE);
    try {
      assertThatThrownBy(() -> MessageDecoder.decode(frame))
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("piece index -1");
      assertThat(frame.refCnt()).isEqualTo(1);
    } finally {
      frame.release(frame.refCnt());
    }
  }

  @Test
  void throughThePipelineTheRejectedFrameIsReleased() {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            MessageDecoder.framer(1024), MessageDecoder.INSTANCE, MessageEncoder.INSTANCE);
    ByteBuf wire =
        Unpooled.buffer()
            .writeInt(1 + 24 + 4)
            .writeByte(MessageType.PIECE_DATA.id())
            .writeLong(1)
            .writeLong(2)
            .writeInt(-1)
            .writeInt(4)
            .writeInt(0xCAFEBABE);
    try {
      assertThatThrownBy(() -> channel.writeInbound(wire))
          .isInstanceOf(DecoderException.class)
          .cause()
          .isInstanceOf(ProtocolException.class);
      assertThat(wire.refCnt()).as("frame released after rejection").isZero();
    } finally {
      if (wire.refCnt() > 0) {
        wire.release(wire.refCnt());
      }
      channel.finishAndReleaseAll();
    }
  }
}
