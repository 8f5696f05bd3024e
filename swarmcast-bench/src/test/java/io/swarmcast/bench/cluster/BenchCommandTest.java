package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.SwarmcastCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code swarmcast bench}'s usage errors: all found before any namespace or JVM is made, so no root
 * needed.
 */
class BenchCommandTest {
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void badRateIsAUsageErrorNamingTheValue() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl =
        SwarmcastCli.commandLine().setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    int code = cl.execute("bench", "--rate", "100mb", "--out", "unused");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'100mb'");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void usageErrorsNeedNoRoot() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(SwarmcastCli.run("bench", "--loopback", "--size", "3g")).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .as("refused before any JVM starts")
          .contains("exceeds the largest byte[] value");
      assertThat(SwarmcastCli.run("bench", "--executors", "1,2")).as("no --rate").isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--rate", "1gbit", "--executors", "0")).isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--rate", "1gbit", "--factory", "torrent,bogus"))
          .isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--loopback", "--delay", "1ms")).isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--rate", "1gbit", "--delay", "soon")).isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--loopback", "--warmup-size", "3g")).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("--warmup-size must be 1 byte to 2 GiB");
      assertThat(SwarmcastCli.run("bench", "--spark", "--rate", "1gbit", "--factory", "direct"))
          .as("--spark names its own factories")
          .isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--spark", "--rate", "1gbit", "--compress", "zstd"))
          .isEqualTo(2);
      assertThat(SwarmcastCli.run("bench", "--spark", "--executors", "1"))
          .as("--spark without --rate")
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("it takes no --factory");
    } finally {
      System.setErr(saved);
    }
  }
}
