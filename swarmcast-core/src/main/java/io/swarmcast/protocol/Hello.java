package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Executor to executor, first message on a peer connection: who is asking, in which protocol, and
 * of which driver incarnation (peers of another driver, or of a previous run of this one, are
 * refused; 0 claims none, for tools).
 *
 * <pre>
 * hello: &lt;i64 requestId&gt;&lt;i32 protocolVersion&gt;&lt;i32 nodeId&gt;&lt;i64 driverIncarnation&gt;
 * </pre>
 *
 * Answered by {@link Ack} or {@link Failure}.
 */
public record Hello(long requestId, int protocolVersion, int nodeId, long driverIncarnation)
    implements Message.Opening, Message.Request {
  /** A hello that claims no driver incarnation. */
  public Hello(long requestId, int protocolVersion, int nodeId) {
    this(requestId, protocolVersion, nodeId, 0);
  }

  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }

  @Override
  public int encodedLength() {
    return 24;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId)
        .writeInt(protocolVersion)
        .writeInt(nodeId)
        .writeLong(driverIncarnation);
  }

  public static Hello decode(ByteBuf in) {
    long requestId = in.readLong();
    int version = in.readInt();
    int nodeId = in.readInt();
    // A version-1 hello ends here: read it, so the handshake can answer "version 1 is not
    // supported".
    return new Hello(
        requestId, version, nodeId, version == 1 && !in.isReadable() ? 0 : in.readLong());
  }
}
