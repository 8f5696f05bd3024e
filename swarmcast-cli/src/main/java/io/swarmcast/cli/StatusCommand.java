package io.swarmcast.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.swarmcast.conf.ByteSize;
import io.swarmcast.node.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code swarmcast status}: the swarm page as a table, read from a driver's HTTP server ({@code
 * driver --ui-port}): its executors and, per broadcast, each one's progress, state and bytes by
 * source.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show a running driver's swarm: its executors, and for each broadcast how",
      "far each executor is, whether it verified, and where its bytes came from.",
      "Reads the driver's HTTP server: start the driver (driver or send) with",
      "--ui-port, and give that address here, e.g.",
      "  swarmcast send --bind 10.0.0.1:7077 --ui-port 4040 --executors 8 model.bin",
      "  swarmcast status --driver 127.0.0.1:4040",
      "Exit status 0 if it answered, 1 if not."
    })
final class StatusCommand implements Callable<Integer> {
  @Option(
      names = "--driver",
      required = true,
      paramLabel = "HOST:UI_PORT",
      description = "The driver's HTTP address: its --ui-port, not the port executors join.")
  String driver;

  @Option(names = "--json", description = "Print the driver's JSON as it is, for scripts.")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Executors to show. Default: ${DEFAULT-VALUE}.")
  int limit = 1000;

  @Override
  public Integer call() throws Exception {
    Endpoint at = Endpoint.parse(driver);
    String host = at.host().contains(":") ? "[" + at.host() + "]" : at.host();
    URI uri =
        URI.create("http://" + host + ":" + at.port() + "/api/swarm?limit=" + Math.max(1, limit));
    String body;
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        System.err.printf("%s answered %d: %s", uri, r.statusCode(), r.body());
        return 1;
      }
      body = r.body();
    } catch (IOException e) {
      System.err.printf(
          "cannot read the swarm from %s: %s%nstatus reads the driver's HTTP server (started with --ui-port), "
              + "not the port executors join.%n",
          uri, e.getMessage() == null ? e.toString() : e.getMessage());
      return 1;
    }
    if (json) {
      System.out.println(body);
    } else {
      print(JSON.std.mapFrom(body), System.out);
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  static void print(Map<String, Object> swarm, PrintStream out) {
    Map<String, Object> d = (Map<String, Object>) swarm.get("driver");
    List<Map<String, Object>> executors = (List<Map<String, Object>>) swarm.get("executors");
    out.printf(
        Locale.ROOT,
        "driver %s:%s · %s executors · holds %s · sent %s%n",
        d.get("host"),
        d.get("port"),
        swarm.get("executorCount"),
        bytes(d.get("heldBytes")),
        bytes(d.get("sentBytes")));
    Map<Object, Map<String, Object>> addresses = new HashMap<>();
    executors.forEach(e -> addresses.put(number(e.get("id")), e));
    for (Map<String, Object> b : (List<Map<String, Object>>) swarm.get("broadcasts")) {
      long pieces = number(b.get("pieces"));
      out.printf(
          Locale.ROOT,
          "%nBroadcast(%s), %s in %d pieces: %s, %s/%s verified%s%n",
          b.get("id"),
          bytes(b.get("bytes")),
          pieces,
          Boolean.TRUE.equals(b.get("seeded")) ? "seeded" : "not seeded yet",
          b.get("verified"),
          swarm.get("executorCount"),
          number(b.get("failed")) > 0 ? ", " + b.get("failed") + " failed" : "");
      out.printf(
          Locale.ROOT,
          "  %-9s %-22s %6s %11s  %-9s %8s %12s %12s  %s%n",
          "executor",
          "address",
          "held",
          "bytes",
          "state",
          "time",
          "from driver",
          "from peers",
          "notes");
      for (Map<String, Object> e : (List<Map<String, Object>>) b.get("executors")) {
        Map<String, Object> info = addresses.getOrDefault(number(e.get("id")), Map.of());
        String notes = "";
        if (number(e.get("corrupt")) > 0) {
          notes += e.get("corrupt") + " corrupt pieces refused; ";
        }
        if (e.get("banned") instanceof List<?> banned && !banned.isEmpty()) {
          notes += "banned " + banned + "; ";
        }
        if (e.get("failure") instanceof String f && !f.isEmpty()) {
          notes += f;
        }
        out.printf(
            Locale.ROOT,
            "  %-9s %-22s %5d%% %11s  %-9s %8s %12s %12s  %s%n",
            e.get("id"),
            info.get("host") + ":" + info.get("port"),
            pieces == 0 ? 100 : 100 * number(e.get("count")) / pieces,
            bytes(e.get("heldBytes")),
            e.get("state"),
            e.get("seconds") == null
                ? ""
                : String.format(Locale.ROOT, "%.1f s", ((Number) e.get("seconds")).doubleValue()),
            e.get("fromDriver") == null ? "" : bytes(e.get("fromDriver")),
            e.get("fromPeers") == null ? "" : bytes(e.get("fromPeers")),
            notes.replaceAll("; $", ""));
      }
    }
  }

  private static long number(Object o) {
    return o instanceof Number n ? n.longValue() : 0;
  }

  private static String bytes(Object o) {
    return ByteSize.format(number(o));
  }
}
