package io.swarmcast.broadcast;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.swarm.FetchMode;

/**
 * The BitTorrent-like broadcast. The driver serializes the value, compresses it, cuts it into
 * checksummed pieces and keeps them in its block manager. An executor looks in its own block
 * manager first; otherwise it fetches the pieces it lacks from the driver and from other executors,
 * several at once, verifies each, stores it and announces it so that others can fetch it from
 * there. The driver thus sends roughly one copy, not one per executor. See {@link
 * io.swarmcast.swarm.FetchScheduler}.
 *
 * <p>Thread-safe.
 */
final class TorrentBroadcast<T> extends PieceBroadcast<T> {
  private static final long serialVersionUID = 1L;

  TorrentBroadcast(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T driverValue) {
    super(id, node, layout, isLocal, driverValue);
  }

  @Override
  FetchMode fetchMode() {
    return FetchMode.SWARM;
  }
}
