package io.swarmcast.broadcast;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.swarm.FetchMode;

/** Creates {@link DirectBroadcast}s; short name {@code direct}. */
public final class DirectBroadcastFactory extends PieceBroadcastFactory {
  @Override
  FetchMode mode() {
    return FetchMode.DRIVER_ONLY;
  }

  @Override
  <T> Broadcast<T> create(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T value) {
    return new DirectBroadcast<>(id, node, layout, isLocal, value);
  }
}
