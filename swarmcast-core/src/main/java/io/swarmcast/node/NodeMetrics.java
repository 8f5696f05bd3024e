package io.swarmcast.node;

import io.swarmcast.metrics.MetricFamily;
import io.swarmcast.metrics.MetricFamily.Sample;
import io.swarmcast.metrics.MetricFamily.Type;
import io.swarmcast.swarm.TransferStats;
import io.swarmcast.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's metrics, read afresh from the counters the node keeps anyway (its {@link TransferStats},
 * block manager, transport and, on the driver, tracker). Names follow Prometheus's conventions: a
 * {@code swarmcast_} prefix, the unit in the name, counters ending in {@code _total}.
 */
final class NodeMetrics {
  private NodeMetrics() {}

  static List<MetricFamily> of(SwarmNode node, Tracker trackerOrNull) {
    TransferStats.Totals t = node.stats.total();
    List<MetricFamily> out = new ArrayList<>(16);
    out.add(
        new MetricFamily(
            "swarmcast_received_bytes_total",
            "Bytes of verified pieces this node received, by where they came from.",
            Type.COUNTER,
            List.of(
                new Sample("", List.of("source", "driver"), t.fromDriverBytes()),
                new Sample("", List.of("source", "peer"), t.fromPeersBytes()))));
    out.add(
        MetricFamily.of(
            "swarmcast_sent_bytes_total",
            "Bytes of pieces this node sent to others.",
            Type.COUNTER,
            t.servedBytes()));
    out.add(
        MetricFamily.of(
            "swarmcast_pieces_received_total",
            "Pieces this node received, verified and stored.",
            Type.COUNTER,
            t.piecesReceived()));
    out.add(
        MetricFamily.of(
            "swarmcast_pieces_sent_total",
            "Pieces this node sent to others.",
            Type.COUNTER,
            t.piecesServed()));
    out.add(
        MetricFamily.of(
            "swarmcast_pieces_corrupt_total",
            "Pieces received that failed their checksum and were discarded.",
            Type.COUNTER,
            t.corruptPieces()));
    out.add(
        MetricFamily.histogram(
            "swarmcast_fetch_seconds",
            "Time to fetch a whole broadcast, from the first request to the last piece.",
            TransferStats.FETCH_SECONDS_BUCKETS,
            t.fetchSecondsBuckets(),
            t.fetches(),
            t.fetchNanos() / 1e9));
    out.add(
        MetricFamily.of(
            "swarmcast_held_bytes",
            "Bytes of pieces this node holds now, in memory and in files.",
            Type.GAUGE,
            node.blocks.bytesStored()));
    out.add(
        MetricFamily.of(
            "swarmcast_spilled_bytes",
            "Of those, bytes on disk because memory held swarmcast.storage.memoryBytes.",
            Type.GAUGE,
            node.blocks.bytesSpilled()));
    out.add(
        MetricFamily.of(
            "swarmcast_broadcasts_held",
            "Broadcasts with pieces on this node now.",
            Type.GAUGE,
            node.blocks.broadcastsHeld()));
    out.add(
        MetricFamily.of(
            "swarmcast_connections",
            "Connections open now, accepted and opened.",
            Type.GAUGE,
            node.transport.openConnections()));
    out.add(
        MetricFamily.of(
            "swarmcast_auth_failures_total",
            "Handshakes that failed to authenticate: a wrong or missing secret, TLS refused.",
            Type.COUNTER,
            node.transport.authFailures()));
    if (trackerOrNull != null) {
      out.add(
          new MetricFamily(
              "swarmcast_tracker_requests_total",
              "Questions and announcements the driver's tracker handled (rate() gives them per second).",
              Type.COUNTER,
              List.of(
                  new Sample("", List.of("type", "locations"), trackerOrNull.locationsAnswered()),
                  new Sample(
                      "", List.of("type", "announce"), trackerOrNull.announcementsReceived()))));
      out.add(
          MetricFamily.of(
              "swarmcast_executors",
              "Executors registered with this driver now.",
              Type.GAUGE,
              trackerOrNull.executorCount()));
      out.add(
          MetricFamily.of(
              "swarmcast_broadcasts_tracked",
              "Broadcasts this driver tracks now.",
              Type.GAUGE,
              trackerOrNull.broadcastCount()));
    }
    return out;
  }
}
