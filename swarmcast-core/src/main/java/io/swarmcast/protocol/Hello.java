package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Executor to executor, first message on a peer connection: who is asking, in which protocol.
 * <pre>hello: &lt;i64 requestId&gt;&lt;i32 protocolVersion&gt;&lt;i32 nodeId&gt;</pre>
 * Answered by {@link Ack} or {@link Failure}.
 */
public record Hello(long requestId, int protocolVersion, int nodeId) implements Message.Opening, Message.Request {
  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }

  @Override
  public int encodedLength() {
    return 16;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeInt(protocolVersion).writeInt(nodeId);
  }

  public static Hello decode(ByteBuf in) {
    return new Hello(in.readLong(), in.readInt(), in.readInt());
  }
}
