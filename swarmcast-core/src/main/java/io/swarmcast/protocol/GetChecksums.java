package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Executor to driver: the checksums of a file broadcast's pieces from piece {@code from} on. The
 * driver reads a broadcast file once, in piece order, after it has handed out the handle; this is
 * how an executor learns each piece's checksum as soon as the driver knows it, over the
 * authenticated connection to the driver (never from a peer: peers can lie).
 *
 * <pre>get-checksums: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;i32 from&gt;</pre>
 *
 * Answered by {@link Checksums} as soon as the driver knows the checksum of piece {@code from} (at
 * once if it already does; a request for {@code from} = the piece count is answered once the whole
 * file is read, with no pieces and the file's SHA-256), or by {@link Failure}: an unknown or
 * destroyed broadcast, not a file, or a file that could not be read or changed while it was read.
 * So the request has no deadline.
 */
public record GetChecksums(long requestId, long broadcastId, int from)
    implements Message.Inbound, Message.Request {
  public GetChecksums {
    if (from < 0 || from > Wire.MAX_PIECES) {
      throw new ProtocolException(
          "checksums from piece " + from + " are out of range [0, " + Wire.MAX_PIECES + "]");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.GET_CHECKSUMS;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.getChecksums(from, this);
  }

  @Override
  public int encodedLength() {
    return 20;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId).writeInt(from);
  }

  public static GetChecksums decode(ByteBuf in) {
    return new GetChecksums(in.readLong(), in.readLong(), in.readInt());
  }
}
