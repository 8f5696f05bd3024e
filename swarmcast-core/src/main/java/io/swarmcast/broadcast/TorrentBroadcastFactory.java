package io.swarmcast.broadcast;

import io.swarmcast.node.SwarmNode;
import io.swarmcast.swarm.FetchMode;

/** Creates {@link TorrentBroadcast}s; the default factory, short name {@code torrent}. */
public final class TorrentBroadcastFactory extends PieceBroadcastFactory {
  @Override
  FetchMode mode() {
    return FetchMode.SWARM;
  }

  @Override
  <T> Broadcast<T> create(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T value) {
    return new TorrentBroadcast<>(id, node, layout, isLocal, value);
  }
}
