package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Driver to executor: drop every block of this broadcast (its pieces and its cached value).
 * <pre>remove-broadcast: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;</pre>
 * Answered by {@link Ack} once removed.
 */
public record RemoveBroadcast(long requestId, long broadcastId) implements Message.Inbound, Message.Request {
  @Override
  public MessageType type() {
    return MessageType.REMOVE_BROADCAST;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.removeBroadcast(from, this);
  }

  @Override
  public int encodedLength() {
    return 16;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId);
  }

  public static RemoveBroadcast decode(ByteBuf in) {
    return new RemoveBroadcast(in.readLong(), in.readLong());
  }
}
