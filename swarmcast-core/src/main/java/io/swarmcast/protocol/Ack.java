package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The request with this id succeeded and has nothing else to say.
 *
 * <pre>ack: &lt;i64 requestId&gt;</pre>
 */
public record Ack(long requestId) implements Message.Response {
  @Override
  public MessageType type() {
    return MessageType.ACK;
  }

  @Override
  public int encodedLength() {
    return 8;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId);
  }

  public static Ack decode(ByteBuf in) {
    return new Ack(in.readLong());
  }
}
