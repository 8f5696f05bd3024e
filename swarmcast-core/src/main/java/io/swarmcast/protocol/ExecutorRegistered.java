package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Driver to executor: registration accepted.
 * <pre>executor-registered: &lt;i64 requestId&gt;&lt;i32 executorId&gt;</pre>
 */
public record ExecutorRegistered(long requestId, int executorId) implements Message.Response {
  public ExecutorRegistered {
    if (executorId <= 0) {
      throw new ProtocolException("executor id must be positive: " + executorId);
    }
  }

  @Override
  public MessageType type() {
    return MessageType.EXECUTOR_REGISTERED;
  }

  @Override
  public int encodedLength() {
    return 12;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeInt(executorId);
  }

  public static ExecutorRegistered decode(ByteBuf in) {
    return new ExecutorRegistered(in.readLong(), in.readInt());
  }
}
