package io.swarmcast.broadcast;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.swarm.FetchMode;

/**
 * Direct broadcasts (short name {@code direct}), the baseline, like Spark's old {@code
 * HttpBroadcast}: every executor fetches every piece from the driver, so the driver's link carries
 * one copy per executor.
 */
final class DirectBroadcastFactory extends PieceBroadcastFactory {
  /** The constructor {@link BroadcastManager} calls. */
  DirectBroadcastFactory() {}

  @Override
  FetchMode mode() {
    return FetchMode.DRIVER_ONLY;
  }

  @Override
  <T> Broadcast<T> create(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T value) {
    return new DirectBroadcast<>(id, node, layout, isLocal, value);
  }
}
