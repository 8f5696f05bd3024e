package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Driver to executor: drop every block of this broadcast (its pieces and its cached value). For a
 * destroy, {@code destroyedAt} names where it was destroyed (the executor's handles then report
 * {@code isValid() == false} and name it); empty for an unpersist.
 *
 * <pre>remove-broadcast: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;string destroyedAt&gt;
 * </pre>
 *
 * Answered by {@link Ack} once removed.
 */
public record RemoveBroadcast(long requestId, long broadcastId, String destroyedAt)
    implements Message.Inbound, Message.Request {
  public RemoveBroadcast {
    Objects.requireNonNull(destroyedAt, "destroyedAt");
  }

  /** An unpersist: the blocks go, the broadcast stays valid. */
  public RemoveBroadcast(long requestId, long broadcastId) {
    this(requestId, broadcastId, "");
  }

  /** Whether this removal is a destroy. */
  public boolean isDestroy() {
    return !destroyedAt.isEmpty();
  }

  @Override
  public MessageType type() {
    return MessageType.REMOVE_BROADCAST;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.removeBroadcast(from, this);
  }

  @Override
  public int encodedLength() {
    return 16 + Wire.stringLength(destroyedAt);
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId);
    Wire.writeString(out, destroyedAt);
  }

  public static RemoveBroadcast decode(ByteBuf in) {
    return new RemoveBroadcast(in.readLong(), in.readLong(), Wire.readString(in));
  }
}
