package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One way, to an executor fetching a broadcast: this holder now serves this piece. The tracker
 * relays announcements as {@code Have}; the message names the holder's address so that executors
 * could also send it to each other directly.
 *
 * <pre>
 * have: &lt;i64 broadcastId&gt;&lt;i32 piece&gt;&lt;i32 executorId&gt;&lt;host host&gt;&lt;u16 port&gt;
 * </pre>
 */
public record Have(long broadcastId, int piece, int executorId, String host, int port)
    implements Message.Inbound {
  public Have {
    Wire.checkPiece(piece);
    Wire.checkPort(port);
  }

  @Override
  public MessageType type() {
    return MessageType.HAVE;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.have(from, this);
  }

  @Override
  public int encodedLength() {
    return 8 + 4 + 4 + Wire.hostLength(host) + 2;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(broadcastId).writeInt(piece).writeInt(executorId);
    Wire.writeHost(out, host);
    out.writeShort(port);
  }

  public static Have decode(ByteBuf in) {
    return new Have(
        in.readLong(), in.readInt(), in.readInt(), Wire.readHost(in), in.readUnsignedShort());
  }
}
