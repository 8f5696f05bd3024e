package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * Turns one frame body ({@code <u8 type><fields>}, the length prefix already stripped by {@link
 * #framer}) into a {@link Message}. A frame with an unknown type, a truncated field or bytes left
 * over raises {@link ProtocolException}; the connection handler then closes that connection.
 * Stateless and {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {
  public static final MessageDecoder INSTANCE = new MessageDecoder();

  private MessageDecoder() {
    super(ByteBuf.class);
  }

  /**
   * The framer that must precede this decoder: reads the 4-byte big-endian length, rejects frames
   * longer than {@code maxFrameLength} before buffering them, and strips the prefix.
   */
  public static LengthFieldBasedFrameDecoder framer(int maxFrameLength) {
    LengthFieldBasedFrameDecoder framer =
        new LengthFieldBasedFrameDecoder(maxFrameLength, 0, 4, 0, 4, true);
    // A piece frame spans many socket reads. Merging them copies the frame again each time the
    // buffer grows; a composite keeps the read buffers as they are, and PieceData.decode copies the
    // piece out of them once, into a buffer of its own.
    framer.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
    return framer;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    out.add(decode(frame, ctx.alloc()));
  }

  /**
   * Decodes one frame body, a piece's data into memory from the frame's allocator; for tests and
   * tools.
   */
  public static Message decode(ByteBuf frame) {
    return decode(frame, frame.alloc());
  }

  /**
   * Decodes one frame body; a piece's data goes into memory from {@code pieceMemory}, the channel's
   * allocator (a node's {@code PieceMemory}), not the frame's: a frame that fitted in one socket
   * read is a slice of a buffer from the allocator underneath.
   */
  static Message decode(ByteBuf frame, ByteBufAllocator pieceMemory) {
    if (!frame.isReadable()) {
      throw new ProtocolException("empty frame");
    }
    MessageType type = MessageType.byId(frame.readUnsignedByte());
    Message msg;
    try {
      msg = type.decode(frame, pieceMemory);
    } catch (IndexOutOfBoundsException e) {
      throw new ProtocolException("truncated " + type + " frame");
    }
    if (frame.isReadable()) {
      ReferenceCountUtil.release(msg);
      throw new ProtocolException(frame.readableBytes() + " trailing bytes after " + type);
    }
    return msg;
  }
}
