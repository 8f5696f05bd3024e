package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.BitSet;

/**
 * Executor to tracker, one way: I now hold and serve these pieces too. What {@link Announce} says
 * of one piece, for a batch of pieces that came from peers, so that announcements into the driver
 * do not grow as executors × pieces (see {@code io.swarmcast.swarm.AnnouncementBatch}).
 *
 * <pre>announce-many: &lt;i64 broadcastId&gt;&lt;bitset pieces&gt;</pre>
 *
 * The bit set's count is the broadcast's piece count; the tracker drops an executor that names
 * more.
 */
public record AnnounceMany(long broadcastId, int pieceCount, BitSet pieces)
    implements Message.Inbound {
  public AnnounceMany {
    if (pieceCount < 0 || pieceCount > Wire.MAX_PIECES || pieces.length() > pieceCount) {
      throw new ProtocolException(
          "announce-many of " + pieceCount + " pieces naming piece " + (pieces.length() - 1));
    }
  }

  @Override
  public MessageType type() {
    return MessageType.ANNOUNCE_MANY;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.announceMany(from, this);
  }

  @Override
  public int encodedLength() {
    return 8 + Wire.bitSetLength(pieceCount);
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(broadcastId);
    Wire.writeBitSet(out, pieces, pieceCount);
  }

  public static AnnounceMany decode(ByteBuf in) {
    long broadcastId = in.readLong();
    int count = in.getInt(in.readerIndex());
    return new AnnounceMany(broadcastId, count, Wire.readBitSet(in));
  }
}
