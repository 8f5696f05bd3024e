package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import io.swarmcast.node.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI driver started with {@code --ui-port}, as a person would, and two executor processes:
 * {@code /metrics} answers over plain HTTP, and {@code swarmcast status} prints the swarm as a
 * table and as JSON; pointed at the port executors join instead, it says which port it needs.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatusIT {
  @TempDir Path tmp;

  @Test
  void statusAndMetricsOfARunningDriver() throws Exception {
    int port = freePort();
    int uiPort = freePort();
    Path file = Files.write(tmp.resolve("table.bin"), new byte[24 << 20]);
    Path out = tmp.resolve("out");
    try (LocalExecutors executors =
        LocalExecutors.start(
            2,
            new Endpoint("127.0.0.1", port),
            List.of("-Xmx128m"),
            i -> List.of("--out", out.resolve("e" + i).toString()))) {
      List<String> cmd =
          new ArrayList<>(JavaOpts.childCommand(List.of("-Xmx256m"), SwarmcastCli.class.getName()));
      // send waits for a third executor, which joins only once status has been read: its HTTP
      // server is up till then.
      cmd.addAll(
          List.of(
              "send",
              "--bind",
              "127.0.0.1:" + port,
              "--executors",
              "3",
              "--wait",
              "90",
              "--ui-port",
              Integer.toString(uiPort),
              file.toString()));
      Process send =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("send.log").toFile())
              .start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<String> seenTable = new AtomicReference<>();
        AtomicReference<String> seenJson = new AtomicReference<>();
        await("status showing both executors; send's log: " + tmp.resolve("send.log"))
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(50))
            .failFast("send exited", () -> !send.isAlive())
            .ignoreExceptionsInstanceOf(IOException.class) // until the driver's HTTP server is up
            .until(
                () -> {
                  http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/metrics"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
                  Captured t = capture("status", "--driver", "127.0.0.1:" + uiPort);
                  Captured j = capture("status", "--driver", "127.0.0.1:" + uiPort, "--json");
                  if (t.exit == 0 && t.out.contains("2 executors") && j.exit == 0) {
                    seenTable.set(t.out);
                    seenJson.set(j.out);
                    return true;
                  }
                  return false;
                });
        String table = seenTable.get();
        String json = seenJson.get();
        // Scraped again now that status has seen both executors: the scrape while waiting may
        // predate the second.
        String metrics =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
            .as("curl http://127.0.0.1:%d/metrics; send's log: %s", uiPort, tmp.resolve("send.log"))
            .contains("# TYPE swarmcast_sent_bytes_total counter")
            .contains("swarmcast_executors 2");
        assertThat(table)
            .as("status as a table")
            .isNotNull()
            .contains("driver 127.0.0.1:" + port + " · 2 executors");
        Map<String, Object> parsed = JSON.std.mapFrom(json);
        assertThat(parsed)
            .containsEntry("executorCount", 2)
            .containsKeys("driver", "broadcasts", "executors");

        Captured wrongPort = capture("status", "--driver", "127.0.0.1:" + port);
        assertThat(wrongPort.exit).isEqualTo(1);
        assertThat(wrongPort.err).contains("--ui-port").contains("not the port executors join");
        try (LocalExecutors third =
            LocalExecutors.start(
                1,
                new Endpoint("127.0.0.1", port),
                List.of("-Xmx128m"),
                i -> List.of("--out", out.resolve("e3").toString()))) {
          assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(send.exitValue())
            .as("send's log: " + Files.readString(tmp.resolve("send.log")))
            .isZero();
      } finally {
        send.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private record Captured(int exit, String out, String err) {}

  /** Runs a CLI command in this JVM, capturing what it prints. */
  private static synchronized Captured capture(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = SwarmcastCli.run(args);
      return new Captured(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
