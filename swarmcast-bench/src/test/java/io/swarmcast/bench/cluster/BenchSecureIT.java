package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.SwarmcastCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swarmcast bench --loopback --secure}: the driver and executor processes run with a secret
 * and self-signed TLS.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BenchSecureIT {
  @TempDir Path out;

  @Test
  void secureBenchRunsEveryProcessAuthenticatedOverTls() throws Exception {
    int code =
        SwarmcastCli.run(
            "bench",
            "--loopback",
            "--secure",
            "--executors",
            "2",
            "--size",
            "1m",
            "--factory",
            "torrent",
            "--reps",
            "1",
            "--no-ceiling",
            "--out",
            out.toString());
    assertThat(code).isZero();
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv).hasSize(2);
    try (Stream<Path> files = Files.walk(out)) {
      Path driverLog =
          files
              .filter(p -> p.getFileName().toString().equals("driver.log"))
              .findFirst()
              .orElseThrow();
      assertThat(Files.readString(driverLog))
          .contains(
              "authenticated (shared secret) and TLS 1.3 with ",
              "(self-signed, fingerprints checked)");
    }
    assertThat(Files.readString(out.resolve("summary.md"))).contains("--secure");
  }
}
