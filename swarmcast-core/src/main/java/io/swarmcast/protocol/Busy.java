package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The node will not queue more pieces for this connection now; ask again a little later. Unlike
 * {@link Failure}, it says nothing about whether the piece exists.
 *
 * <pre>busy: &lt;i64 requestId&gt;</pre>
 */
public record Busy(long requestId) implements Message.Response {
  @Override
  public MessageType type() {
    return MessageType.BUSY;
  }

  @Override
  public int encodedLength() {
    return 8;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId);
  }

  public static Busy decode(ByteBuf in) {
    return new Busy(in.readLong());
  }
}
