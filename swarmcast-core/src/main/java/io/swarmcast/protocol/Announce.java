package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Executor to tracker, one way: I now hold and serve this piece.
 *
 * <pre>announce: &lt;i64 broadcastId&gt;&lt;i32 piece&gt;</pre>
 */
public record Announce(long broadcastId, int piece) implements Message.Inbound {
  public Announce {
    Wire.checkPiece(piece);
  }

  @Override
  public MessageType type() {
    return MessageType.ANNOUNCE;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.announce(from, this);
  }

  @Override
  public int encodedLength() {
    return 12;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(broadcastId).writeInt(piece);
  }

  public static Announce decode(ByteBuf in) {
    return new Announce(in.readLong(), in.readInt());
  }
}
