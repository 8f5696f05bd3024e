package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link Message} as one frame: {@code <i32 length><u8 type><body>}, where {@code length =
 * 1 + body length}. A {@link PieceData}'s buffer follows its header as a separate write, never
 * copied; the message's reference is released once written. A {@link PieceRegion} is the same frame
 * with a file region for its data, which the channel sends with {@code sendfile}. Stateless and
 * {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
public final class MessageEncoder extends MessageToMessageEncoder<Object> {
  public static final MessageEncoder INSTANCE = new MessageEncoder();

  private MessageEncoder() {
    super(Object.class);
  }

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof Message || msg instanceof PieceRegion;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object outbound, List<Object> out) {
    if (outbound instanceof PieceRegion r) {
      ByteBuf header = ctx.alloc().ioBuffer(5 + PieceData.HEADER_LENGTH);
      r.encodeHeader(header);
      out.add(header);
      out.add(r.region().retain()); // the encoder releases the PieceRegion after this method
      return;
    }
    Message msg = (Message) outbound;
    int bodyLength = msg.encodedLength();
    int headerBody = msg instanceof PieceData ? PieceData.HEADER_LENGTH : bodyLength;
    ByteBuf header = ctx.alloc().ioBuffer(5 + headerBody);
    header.writeInt(1 + bodyLength).writeByte(msg.type().id());
    msg.encode(header);
    out.add(header);
    if (msg instanceof PieceData p) {
      // The encoder releases the message after this method: the channel takes a reference of its
      // own.
      out.add(p.content().retain());
    }
  }
}
