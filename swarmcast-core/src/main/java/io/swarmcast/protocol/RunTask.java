package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Driver to executor: an application's own request, opaque to Swarmcast. Applications that have no
 * RPC of their own use it to ship broadcast handles and ask for results (the command line's demo
 * does).
 *
 * <pre>run-task: &lt;i64 requestId&gt;&lt;i32 length&gt;&lt;payload&gt;</pre>
 *
 * Answered by {@link TaskResult} or {@link Failure}.
 */
public record RunTask(long requestId, byte[] payload) implements Message.Inbound, Message.Request {
  @Override
  public MessageType type() {
    return MessageType.RUN_TASK;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.runTask(from, this);
  }

  @Override
  public int encodedLength() {
    return 12 + payload.length;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeInt(payload.length).writeBytes(payload);
  }

  public static RunTask decode(ByteBuf in) {
    return new RunTask(in.readLong(), Wire.readBytes(in));
  }

  @Override
  public String toString() {
    return "RunTask[requestId=" + requestId + ", bytes=" + payload.length + "]";
  }
}
