package io.swarmcast.spark;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.swarmcast.swarm.TransferStats;
import java.util.concurrent.TimeUnit;

/**
 * Registers a node's counters with Spark's metric system (the registry of {@code PluginContext}),
 * where Spark's sinks publish them as {@code plugin.io.swarmcast.spark.SwarmcastPlugin.NAME}.
 *
 * <p>Gauges read {@link TransferStats#total()} when a sink polls: the totals only grow, so sinks
 * may take differences, and nothing is counted twice. Stateless.
 */
final class NodeMetrics {
  /** The metric names, for documentation and tests. */
  static final String BYTES_FROM_DRIVER = "bytesFromDriver";

  static final String BYTES_FROM_PEERS = "bytesFromPeers";
  static final String BYTES_SERVED = "bytesServed";
  static final String PIECES_SERVED = "piecesServed";
  static final String CORRUPT_PIECES = "corruptPieces";
  static final String FETCHES = "fetches";
  static final String FETCH_TIME_MS = "fetchTimeMs";

  private NodeMetrics() {}

  static void register(MetricRegistry registry, TransferStats stats) {
    TransferStats.Totals t = stats.total();
    registry.register(BYTES_FROM_DRIVER, (Gauge<Long>) t::fromDriverBytes);
    registry.register(BYTES_FROM_PEERS, (Gauge<Long>) t::fromPeersBytes);
    registry.register(BYTES_SERVED, (Gauge<Long>) t::servedBytes);
    registry.register(PIECES_SERVED, (Gauge<Long>) t::piecesServed);
    registry.register(CORRUPT_PIECES, (Gauge<Long>) t::corruptPieces);
    registry.register(FETCHES, (Gauge<Long>) t::fetches);
    registry.register(
        FETCH_TIME_MS, (Gauge<Long>) () -> TimeUnit.NANOSECONDS.toMillis(t.fetchNanos()));
  }
}
