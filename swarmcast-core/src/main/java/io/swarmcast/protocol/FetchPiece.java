package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Ask a node for one piece it holds.
 *
 * <pre>fetch-piece: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;i32 piece&gt;</pre>
 *
 * Answered by {@link PieceData}, {@link Busy} or {@link Failure}.
 */
public record FetchPiece(long requestId, long broadcastId, int piece)
    implements Message.Inbound, Message.Request {
  public FetchPiece {
    Wire.checkPiece(piece);
  }

  @Override
  public MessageType type() {
    return MessageType.FETCH_PIECE;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.fetchPiece(from, this);
  }

  @Override
  public int encodedLength() {
    return 20;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId).writeInt(piece);
  }

  public static FetchPiece decode(ByteBuf in) {
    return new FetchPiece(in.readLong(), in.readLong(), in.readInt());
  }
}
