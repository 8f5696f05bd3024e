package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The request with this id failed; {@code message} says why in words a user can act on.
 *
 * <pre>failure: &lt;i64 requestId&gt;&lt;string message&gt;</pre>
 */
public record Failure(long requestId, String message) implements Message.Response {
  @Override
  public MessageType type() {
    return MessageType.FAILURE;
  }

  @Override
  public int encodedLength() {
    return 8 + Wire.stringLength(message);
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId);
    Wire.writeString(out, message);
  }

  public static Failure decode(ByteBuf in) {
    return new Failure(in.readLong(), Wire.readString(in));
  }
}
