package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Executor to driver: the application's answer to a {@link RunTask}.
 *
 * <pre>task-result: &lt;i64 requestId&gt;&lt;i32 length&gt;&lt;payload&gt;</pre>
 */
public record TaskResult(long requestId, byte[] payload) implements Message.Response {
  public TaskResult {
    Objects.requireNonNull(payload, "task result payload");
  }

  @Override
  public MessageType type() {
    return MessageType.TASK_RESULT;
  }

  @Override
  public int encodedLength() {
    return 12 + payload.length;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeInt(payload.length).writeBytes(payload);
  }

  public static TaskResult decode(ByteBuf in) {
    return new TaskResult(in.readLong(), Wire.readBytes(in));
  }

  @Override
  public String toString() {
    return "TaskResult[requestId=" + requestId + ", bytes=" + payload.length + "]";
  }
}
