package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One piece of a broadcast, answering {@link FetchPiece} or {@link FetchAnyPiece}.
 * <pre>piece-data: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;i32 piece&gt;&lt;i32 dataLength&gt;&lt;data&gt;</pre>
 * The encoder writes the 24-byte header and then hands {@code data} to the channel as it is, so a
 * piece held off-heap is sent without a copy. The record owns one reference to {@code data}; whoever
 * consumes the message releases it.
 */
public record PieceData(long requestId, long broadcastId, int piece, ByteBuf data) implements Message, Message.Response {
  /** Bytes before the data. */
  public static final int HEADER_LENGTH = 24;

  public PieceData {
    Wire.checkPiece(piece);
  }

  @Override
  public MessageType type() {
    return MessageType.PIECE_DATA;
  }

  @Override
  public int encodedLength() {
    return HEADER_LENGTH + data.readableBytes();
  }

  /** Writes the header only; {@link MessageEncoder} appends {@link #data()}. */
  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId).writeInt(piece).writeInt(data.readableBytes());
  }

  public static PieceData decode(ByteBuf in) {
    long requestId = in.readLong();
    long broadcastId = in.readLong();
    int piece = Wire.checkPiece(in.readInt());
    int len = in.readInt();
    if (len < 0 || len != in.readableBytes()) {
      throw new ProtocolException("piece data length " + len + " does not match the " + in.readableBytes()
          + " bytes left in the frame");
    }
    // Every check is done before the slice is retained, so a rejected frame leaks no reference.
    return new PieceData(requestId, broadcastId, piece, in.readRetainedSlice(len));
  }

  @Override
  public String toString() {
    return "PieceData[requestId=" + requestId + ", broadcastId=" + broadcastId + ", piece=" + piece
        + ", bytes=" + data.readableBytes() + "]";
  }
}
