package io.swarmcast.broadcast;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.swarm.FetchMode;

/**
 * The baseline (Spark's old HttpBroadcast): every executor fetches the whole serialized value from
 * the driver alone, so the driver sends one copy per executor through its one link. Kept to measure
 * the torrent against. Thread-safe.
 */
final class DirectBroadcast<T> extends PieceBroadcast<T> {
  private static final long serialVersionUID = 1L;

  DirectBroadcast(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T driverValue) {
    super(id, node, layout, isLocal, driverValue);
  }

  @Override
  FetchMode fetchMode() {
    return FetchMode.DRIVER_ONLY;
  }
}
