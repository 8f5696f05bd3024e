package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link Message} as one frame: {@code <i32 length><u8 type><body>}, where
 * {@code length = 1 + body length}. A {@link PieceData}'s buffer follows its header as a separate
 * write, never copied; the message's reference is released once written. Stateless and {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToMessageEncoder<Message> {
  public static final MessageEncoder INSTANCE = new MessageEncoder();

  private MessageEncoder() {
    super(Message.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Message msg, List<Object> out) {
    int bodyLength = msg.encodedLength();
    int headerBody = msg instanceof PieceData ? PieceData.HEADER_LENGTH : bodyLength;
    ByteBuf header = ctx.alloc().ioBuffer(5 + headerBody);
    header.writeInt(1 + bodyLength).writeByte(msg.type().id());
    msg.encode(header);
    out.add(header);
    if (msg instanceof PieceData p) {
      // The encoder releases the message after this method: the channel takes a reference of its own.
      out.add(p.content().retain());
    }
  }
}
