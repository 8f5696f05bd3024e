package io.swarmcast.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.security.SecurityManager;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricsProcessor;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.walkers.CollectorPrometheusMetricsWalker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A driver and an executor with {@code swarmcast.ui.port=0}, over real sockets: their {@code
 * /metrics} parsed by a Prometheus text parser written by others (Hawkular's), the driver's swarm
 * JSON and its event stream, the JMX bean, and the bounds a stranger meets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UiServerIT {
  private static final int SIZE = 3 << 20;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void metricsCountWhatMovedAndThePageShowsTheExecutorVerified() throws Exception {
    SwarmConf driverConf =
        new SwarmConf()
            .set(SwarmConf.UI_PORT, "0")
            .set(SwarmConf.BLOCK_SIZE, "256k")
            .set(SwarmConf.COMPRESS, "none");
    try (BroadcastManager driverManager =
        new BroadcastManager(true, driverConf, SecurityManager.insecure())) {
      DriverNode driver = (DriverNode) BroadcastInternals.node(driverManager);
      SwarmConf conf =
          new SwarmConf()
              .set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()))
              .set(SwarmConf.UI_PORT, "0");
      try (BroadcastManager executorManager =
          new BroadcastManager(false, conf, SecurityManager.insecure())) {
        ExecutorNode executor = (ExecutorNode) BroadcastInternals.node(executorManager);
        byte[] value = new byte[SIZE];
        new SplittableRandom(7).nextBytes(value);
        Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
        assertThat(roundTrip(b).value()).isEqualTo(value);

        Map<String, MetricFamily> e = scrape(executor.uiPort());
        long received =
            (long)
                (counter(e, "swarmcast_received_bytes_total", "source", "driver")
                    + counter(e, "swarmcast_received_bytes_total", "source", "peer"));
        assertThat(received)
            .as("every byte of the serialized value, counted once")
            .isEqualTo(
                executor.stats().total().fromDriverBytes()
                    + executor.stats().total().fromPeersBytes())
            .isGreaterThanOrEqualTo(SIZE);
        int pieces = executor.blockManager().piecesHeld(b.id(), 1 << 16).cardinality();
        assertThat(pieces).isPositive();
        assertThat(counter(e, "swarmcast_pieces_received_total", null, null))
            .as("one per piece it holds")
            .isEqualTo(pieces);
        assertThat(gauge(e, "swarmcast_held_bytes"))
            .isEqualTo((double) executor.blockManager().bytesStored())
            .isGreaterThan(0);
        assertThat(gauge(e, "swarmcast_broadcasts_held")).isEqualTo(1);
        Histogram fetch = (Histogram) e.get("swarmcast_fetch_seconds").getMetrics().get(0);
        assertThat(fetch.getSampleCount()).isEqualTo(1);
        assertThat(fetch.getSampleSum()).isGreaterThan(0);
        assertThat(fetch.getBuckets().get(fetch.getBuckets().size() - 1).getCumulativeCount())
            .isEqualTo(1);

        Map<String, MetricFamily> d = scrape(driver.uiPort());
        assertThat(counter(d, "swarmcast_sent_bytes_total", null, null))
            .isEqualTo((double) driver.stats().total().servedBytes())
            .isGreaterThanOrEqualTo(SIZE);
        assertThat(counter(d, "swarmcast_tracker_requests_total", "type", "announce"))
            .isGreaterThan(0);
        assertThat(gauge(d, "swarmcast_executors")).isEqualTo(1);
        assertThat(gauge(d, "swarmcast_connections")).isGreaterThanOrEqualTo(1);
        assertThat(counter(d, "swarmcast_auth_failures_total", null, null)).isZero();

        // The executor's report reaches the driver after its fetch completes: wait for the page to
        // show it.
        String json = awaitJson(driver.uiPort(), "\"state\":\"verified\"");
        assertThat(json)
            .contains("\"executorCount\":1")
            .contains("\"id\":" + b.id())
            .contains("\"seeded\":true")
            .contains("\"verified\":1");
        String event = firstEvent(driver.uiPort());
        assertThat(event).startsWith("data: {").contains("\"broadcasts\":[");

        ObjectName bean =
            new ObjectName(
                "io.swarmcast:type=Node,role=\"driver\",port=" + driver.endpoint().port());
        Object sent =
            ManagementFactory.getPlatformMBeanServer()
                .getAttribute(bean, "swarmcast_sent_bytes_total");
        assertThat((Double) sent).isGreaterThanOrEqualTo(SIZE);

        assertThat(get(executor.uiPort(), "/").statusCode())
            .as("an executor has metrics, not the page")
            .isEqualTo(404);
        assertThat(get(driver.uiPort(), "/").body()).contains("<title>Swarmcast");
        assertThat(get(driver.uiPort(), "/nothing").statusCode()).isEqualTo(404);
        HttpResponse<String> post =
            http.send(
                HttpRequest.newBuilder(uri(driver.uiPort(), "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
      }
    }
  }

  @Test
  void aWrongSecretIsCountedAsAnAuthenticationFailure() throws Exception {
    SwarmConf driverConf =
        new SwarmConf()
            .set(SwarmConf.UI_PORT, "0")
            .set(SwarmConf.AUTHENTICATE, "true")
            .set(SwarmConf.AUTH_SECRET, "the driver's secret");
    try (BroadcastManager driverManager =
        new BroadcastManager(true, driverConf, new SecurityManager(driverConf))) {
      DriverNode driver = (DriverNode) BroadcastInternals.node(driverManager);
      SwarmConf wrong =
          new SwarmConf()
              .set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()))
              .set(SwarmConf.AUTHENTICATE, "true")
              .set(SwarmConf.AUTH_SECRET, "another secret")
              .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "2s")
              .set(SwarmConf.EXECUTOR_REJOIN, "false");
      try (BroadcastManager ignored =
          new BroadcastManager(false, wrong, new SecurityManager(wrong))) {
        throw new AssertionError("an executor with the wrong secret joined");
      } catch (RuntimeException expected) {
        // refused, as it should be
      }
      assertThat(counter(scrape(driver.uiPort()), "swarmcast_auth_failures_total", null, null))
          .isGreaterThanOrEqualTo(1);
    }
  }

  private Map<String, MetricFamily> scrape(int port) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri(port, "/metrics")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    CollectorPrometheusMetricsWalker walker = new CollectorPrometheusMetricsWalker();
    new TextPrometheusMetricsProcessor(new ByteArrayInputStream(r.body()), walker).walk();
    Map<String, MetricFamily> byName = new HashMap<>();
    for (MetricFamily f : walker.getAllMetricFamilies()) {
      byName.put(f.getName(), f);
    }
    assertThat(byName)
        .containsKeys(
            "swarmcast_received_bytes_total",
            "swarmcast_sent_bytes_total",
            "swarmcast_pieces_received_total",
            "swarmcast_pieces_corrupt_total",
            "swarmcast_fetch_seconds",
            "swarmcast_held_bytes",
            "swarmcast_broadcasts_held",
            "swarmcast_connections",
            "swarmcast_auth_failures_total");
    return byName;
  }

  private static double counter(
      Map<String, MetricFamily> m, String name, String label, String value) {
    for (Metric x : m.get(name).getMetrics()) {
      if (label == null || value.equals(x.getLabels().get(label))) {
        return ((Counter) x).getValue();
      }
    }
    throw new AssertionError("no " + name + "{" + label + "=" + value + "}");
  }

  private static double gauge(Map<String, MetricFamily> m, String name) {
    return ((Gauge) m.get(name).getMetrics().get(0)).getValue();
  }

  private String awaitJson(int port, String expected) {
    return await("the swarm JSON showing " + expected)
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(port, "/api/swarm").body(), body -> body.contains(expected));
  }

  private String firstEvent(int port) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri(port, "/events?limit=10")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      return in.readLine();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(port, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
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
