package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Driver to executor: registration accepted, with the executor's id and the driver's incarnation (a
 * random 64-bit value chosen when the driver started: a restarted driver at the same address has
 * another, so its broadcasts never mix with the old one's).
 *
 * <pre>
 * executor-registered: &lt;i64 requestId&gt;&lt;i32 executorId&gt;&lt;i64 driverIncarnation&gt;
 * </pre>
 */
public record ExecutorRegistered(long requestId, int executorId, long driverIncarnation)
    implements Message.Response {
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
    return 20;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeInt(executorId).writeLong(driverIncarnation);
  }

  public static ExecutorRegistered decode(ByteBuf in) {
    return new ExecutorRegistered(in.readLong(), in.readInt(), in.readLong());
  }
}
