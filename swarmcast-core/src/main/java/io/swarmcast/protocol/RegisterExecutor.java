package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Executor to driver, first message on the connection: join the cluster.
 *
 * <pre>
 * register-executor: &lt;i64 requestId&gt;&lt;i32 protocolVersion&gt;&lt;string host&gt;&lt;u16 port&gt;
 * </pre>
 *
 * {@code host:port} is where the executor serves pieces to peers. Answered by {@link
 * ExecutorRegistered} or {@link Failure} (for instance on a version mismatch).
 */
public record RegisterExecutor(long requestId, int protocolVersion, String host, int port)
    implements Message.Opening, Message.Request {
  public RegisterExecutor {
    Wire.checkPort(port);
  }

  @Override
  public MessageType type() {
    return MessageType.REGISTER_EXECUTOR;
  }

  @Override
  public int encodedLength() {
    return 8 + 4 + Wire.stringLength(host) + 2;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeInt(protocolVersion);
    Wire.writeString(out, host);
    out.writeShort(port);
  }

  public static RegisterExecutor decode(ByteBuf in) {
    return new RegisterExecutor(
        in.readLong(), in.readInt(), Wire.readString(in), in.readUnsignedShort());
  }
}
