package io.swarmcast.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.swarmcast.swarm.TransferStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class NodeMetricsTest {
  @Test
  void gaugesReadTheNodesTotalsWhenPolled() {
    MetricRegistry registry = new MetricRegistry();
    TransferStats stats = new TransferStats();
    NodeMetrics.register(registry, stats);

    stats.received(0, true, 1000);
    stats.received(0, false, 3000);
    stats.served(0, 500);
    stats.fetched(7_000_000);
    stats.forget(0);

    assertThat(gauge(registry, NodeMetrics.BYTES_FROM_DRIVER)).isEqualTo(1000L);
    assertThat(gauge(registry, NodeMetrics.BYTES_FROM_PEERS)).isEqualTo(3000L);
    assertThat(gauge(registry, NodeMetrics.BYTES_SERVED)).isEqualTo(500L);
    assertThat(gauge(registry, NodeMetrics.PIECES_SERVED)).isEqualTo(1L);
    assertThat(gauge(registry, NodeMetrics.CORRUPT_PIECES)).isEqualTo(0L);
    assertThat(gauge(registry, NodeMetrics.FETCHES)).isEqualTo(1L);
    assertThat(gauge(registry, NodeMetrics.FETCH_TIME_MS)).isEqualTo(7L);
  }

  private static Object gauge(MetricRegistry registry, String name) {
    Gauge<?> g = registry.getGauges().get(name);
    assertThat(g).as(name).isNotNull();
    return g.getValue();
  }
}
