package io.swarmcast.broadcast;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.swarm.FetchMode;

/**
 * Torrent broadcasts, the default (short name {@code torrent}): the driver cuts the serialized
 * value into checksummed pieces; each executor fetches them from the driver and from other
 * executors, and serves what it holds, so the driver sends about one copy whatever the number of
 * executors.
 */
final class TorrentBroadcastFactory extends PieceBroadcastFactory {
  /** The constructor {@link BroadcastManager} calls. */
  TorrentBroadcastFactory() {}

  @Override
  FetchMode mode() {
    return FetchMode.SWARM;
  }

  @Override
  <T> Broadcast<T> create(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T value) {
    return new TorrentBroadcast<>(id, node, layout, isLocal, value);
  }
}
