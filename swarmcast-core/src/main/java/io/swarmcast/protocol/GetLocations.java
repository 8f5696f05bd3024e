package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Executor to tracker: which executors hold which pieces of a broadcast. Also subscribes the asker
 * to {@link Have} notices for that broadcast until it is removed.
 *
 * <pre>get-locations: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;</pre>
 *
 * Answered by {@link Locations} or {@link Failure} (unknown or destroyed broadcast).
 */
public record GetLocations(long requestId, long broadcastId)
    implements Message.Inbound, Message.Request {
  @Override
  public MessageType type() {
    return MessageType.GET_LOCATIONS;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.getLocations(from, this);
  }

  @Override
  public int encodedLength() {
    return 16;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId);
  }

  public static GetLocations decode(ByteBuf in) {
    return new GetLocations(in.readLong(), in.readLong());
  }
}
