package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;

/**
 * A {@link PieceData} whose data is a region of a file: the same frame on the wire, written by
 * {@link MessageEncoder} as the 24-byte header followed by the region, which the transport hands to
 * the kernel's {@code sendfile}, so the bytes go from the page cache to the socket without entering
 * this process. Outbound only: the receiver decodes an ordinary {@link PieceData}. Not usable under
 * TLS, whose handler must see the bytes; senders read the piece into a buffer there instead.
 *
 * <p>Owns one reference to its region; whoever holds it releases it once (the encoder does, after
 * handing the channel a reference of its own).
 */
public final class PieceRegion extends AbstractReferenceCounted {
  private final long requestId;
  private final long broadcastId;
  private final int piece;
  private final FileRegion region;

  public PieceRegion(long requestId, long broadcastId, int piece, FileRegion region) {
    Wire.checkPiece(piece);
    if (region.count() > Integer.MAX_VALUE - PieceData.HEADER_LENGTH) {
      region.release();
      throw new IllegalArgumentException("a piece cannot be " + region.count() + " bytes");
    }
    this.requestId = requestId;
    this.broadcastId = broadcastId;
    this.piece = piece;
    this.region = region;
  }

  public long requestId() {
    return requestId;
  }

  public long broadcastId() {
    return broadcastId;
  }

  public int piece() {
    return piece;
  }

  public int dataLength() {
    return (int) region.count();
  }

  FileRegion region() {
    return region;
  }

  /**
   * The frame's length prefix and type byte, then the same header {@link PieceData#encode} writes.
   */
  void encodeHeader(ByteBuf out) {
    out.writeInt(1 + PieceData.HEADER_LENGTH + dataLength()).writeByte(MessageType.PIECE_DATA.id());
    out.writeLong(requestId).writeLong(broadcastId).writeInt(piece).writeInt(dataLength());
  }

  @Override
  protected void deallocate() {
    region.release();
  }

  @Override
  public PieceRegion touch(Object hint) {
    region.touch(hint);
    return this;
  }

  @Override
  public String toString() {
    return "PieceRegion[requestId="
        + requestId
        + ", broadcastId="
        + broadcastId
        + ", piece="
        + piece
        + ", bytes="
        + dataLength()
        + "]";
  }
}
