package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.BitSet;

/**
 * Executor to driver: send me whichever piece you think best, except these. The driver picks the
 * piece it has sent least often, so the swarm gets every piece once before any piece twice.
 *
 * <pre>
 * fetch-any-piece: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;u8 allowDuplicate&gt;&lt;bitset exclude&gt;
 * </pre>
 *
 * With {@code allowDuplicate = 0} the driver sends only pieces it has never sent. It answers {@link
 * Ack} when it has nothing to send outside {@code exclude}; {@link PieceData}, {@link Busy} or
 * {@link Failure} otherwise.
 */
public record FetchAnyPiece(
    long requestId, long broadcastId, boolean allowDuplicate, int pieceCount, BitSet exclude)
    implements Message.Inbound, Message.Request {
  @Override
  public MessageType type() {
    return MessageType.FETCH_ANY_PIECE;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.fetchAnyPiece(from, this);
  }

  @Override
  public int encodedLength() {
    return 8 + 8 + 1 + Wire.bitSetLength(pieceCount);
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId).writeBoolean(allowDuplicate);
    Wire.writeBitSet(out, exclude, pieceCount);
  }

  public static FetchAnyPiece decode(ByteBuf in) {
    long requestId = in.readLong();
    long broadcastId = in.readLong();
    boolean dup = in.readBoolean();
    int count = in.getInt(in.readerIndex());
    return new FetchAnyPiece(requestId, broadcastId, dup, count, Wire.readBitSet(in));
  }
}
