package io.swarmcast.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.metrics.MetricFamily;
import io.swarmcast.metrics.PrometheusText;
import io.swarmcast.security.SecurityManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A driver and an executor over real sockets, their metrics bound to Micrometer's Prometheus
 * registry: the registry writes the same names and values as the node's own {@code /metrics}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwarmcastMetricsTest {
  @Test
  void aPrometheusRegistryWritesTheNodesOwnNamesAndValues() throws Exception {
    SwarmConf driverConf =
        new SwarmConf().set(SwarmConf.COMPRESS, "none").set(SwarmConf.METRICS_JMX, "false");
    try (BroadcastManager driver =
        new BroadcastManager(true, driverConf, SecurityManager.insecure())) {
      SwarmConf conf =
          new SwarmConf()
              .set(SwarmConf.DRIVER_PORT, Integer.toString(driver.address().getPort()))
              .set(SwarmConf.METRICS_JMX, "false");
      try (BroadcastManager executor =
          new BroadcastManager(false, conf, SecurityManager.insecure())) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new SwarmcastMetrics(executor).bindTo(registry);
        new SwarmcastMetrics(driver).bindTo(registry);

        byte[] value = new byte[2 << 20];
        new SplittableRandom(3).nextBytes(value);
        Broadcast<byte[]> b = driver.newBroadcast(value, false);
        assertThat(roundTrip(b).value()).isEqualTo(value);

        String scraped = registry.scrape();
        long received = BroadcastInternals.node(executor).stats().total().fromDriverBytes();
        assertThat(received).isPositive();
        assertThat(scraped)
            .contains(
                "swarmcast_received_bytes_total{role=\"executor\",source=\"driver\"} "
                    + (double) received)
            .contains(
                "swarmcast_held_bytes{role=\"executor\"} "
                    + (double) BroadcastInternals.node(executor).blockManager().bytesStored())
            .contains("swarmcast_fetch_seconds_count{role=\"executor\"} 1")
            .contains("swarmcast_tracker_requests_total{role=\"driver\",type=\"announce\"}")
            .contains("swarmcast_executors{role=\"driver\"} 1.0");
        for (MetricFamily f : executor.metrics()) {
          String base = f.type() == MetricFamily.Type.HISTOGRAM ? f.name() + "_count" : f.name();
          assertThat(scraped)
              .as(
                  "every family of the node's own /metrics:%n%s",
                  PrometheusText.write(executor.metrics()))
              .contains(base + "{");
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T handle) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(handle);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
