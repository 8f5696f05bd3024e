package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One piece of a broadcast, answering {@link FetchPiece} or {@link FetchAnyPiece}.
 *
 * <pre>
 * piece-data: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;i32 piece&gt;&lt;i32 dataLength&gt;&lt;data&gt;
 * </pre>
 *
 * The encoder writes the 24-byte header and then hands {@code data} to the channel as it is, so a
 * piece held off-heap is sent without a copy.
 *
 * <p>Ownership: a {@code PieceData} is a {@link ByteBufHolder} that owns one reference to its
 * buffer ({@link #data()} and {@link #content()} are the same buffer). Whoever holds the message
 * releases it once ({@code ReferenceCountUtil.release(message)}), or hands {@link #data()} on to an
 * owner that does, such as {@code BlockManager.putPiece}. A received piece's buffer is its own:
 * {@link #decode} copies the bytes out of the socket's read buffers into a buffer of exactly their
 * size, so a stored piece pins nothing else; on a node that buffer comes from its {@code
 * PieceMemory}, which recycles it. Not thread-safe as a reference count, like any {@code ByteBuf}.
 */
public record PieceData(long requestId, long broadcastId, int piece, ByteBuf data)
    implements Message.Response, ByteBufHolder {
  /** Bytes before the data. */
  public static final int HEADER_LENGTH = 24;

  public PieceData {
    Wire.checkPiece(piece);
    Objects.requireNonNull(data, "data");
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

  /**
   * Reads a frame body. The data is copied, once, into a direct buffer of exactly its length from
   * the frame's allocator: the frame itself is a slice of the socket's read buffers, and holding on
   * to it would keep all of them alive for as long as the piece is stored.
   */
  public static PieceData decode(ByteBuf in) {
    return decode(in, in.alloc());
  }

  /** As {@link #decode(ByteBuf)}, with the data's buffer from {@code alloc}. */
  static PieceData decode(ByteBuf in, ByteBufAllocator alloc) {
    long requestId = in.readLong();
    long broadcastId = in.readLong();
    int piece = Wire.checkPiece(in.readInt());
    int len = in.readInt();
    if (len < 0 || len != in.readableBytes()) {
      throw new ProtocolException(
          "piece data length "
              + len
              + " does not match the "
              + in.readableBytes()
              + " bytes left in the frame");
    }
    // Every check is done before the buffer is allocated, so a rejected frame leaks nothing.
    ByteBuf own = alloc.directBuffer(len, len);
    // Component by component: the frame is a slice of a composite of read buffers, and handing it
    // to writeBytes as one made the adaptive allocator ask for one NIO buffer of it, which a
    // composite builds by copying every byte into a new heap array (measured: 384 MB of garbage for
    // 384 MiB).
    for (ByteBuffer part : in.nioBuffers(in.readerIndex(), len)) {
      own.writeBytes(part);
    }
    in.skipBytes(len);
    return new PieceData(requestId, broadcastId, piece, own);
  }

  @Override
  public ByteBuf content() {
    return data;
  }

  @Override
  public PieceData copy() {
    return replace(data.copy());
  }

  @Override
  public PieceData duplicate() {
    return replace(data.duplicate());
  }

  @Override
  public PieceData retainedDuplicate() {
    return replace(data.retainedDuplicate());
  }

  /** The same header with other data; this message keeps its own reference. */
  @Override
  public PieceData replace(ByteBuf content) {
    return new PieceData(requestId, broadcastId, piece, content);
  }

  @Override
  public int refCnt() {
    return data.refCnt();
  }

  @Override
  public PieceData retain() {
    data.retain();
    return this;
  }

  @Override
  public PieceData retain(int increment) {
    data.retain(increment);
    return this;
  }

  @Override
  public PieceData touch() {
    data.touch();
    return this;
  }

  @Override
  public PieceData touch(Object hint) {
    data.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return data.release();
  }

  @Override
  public boolean release(int decrement) {
    return data.release(decrement);
  }

  @Override
  public String toString() {
    return "PieceData[requestId="
        + requestId
        + ", broadcastId="
        + broadcastId
        + ", piece="
        + piece
        + ", bytes="
        + data.readableBytes()
        + "]";
  }
}
