package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.sim.SimReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code swarmcast simulate}: a small run end to end, and its usage errors. */
@Timeout(120)
class SimulateCommandTest {
  @Test
  void writesOneRowPerRunWithTheDocumentedColumnsAndTheCharts(@TempDir Path out) throws Exception {
    int code =
        SwarmcastCli.run(
            "simulate",
            "--executors",
            "2,8",
            "--size",
            "8m",
            "--rate",
            "100mbit",
            "--slow-fraction",
            "0.25",
            "--out",
            out.toString());
    assertThat(code).isZero();
    List<String> lines = Files.readAllLines(out.resolve("results.csv"));
    assertThat(lines.get(0))
        .startsWith(
            "executors,size_bytes,rate_bps,last_ratio,p50_ratio,p99_ratio,driver_data_bytes,"
                + "driver_control_bytes,max_connections,wall_seconds");
    assertThat(lines).hasSize(3);
    String[] eight = lines.get(2).split(",", -1);
    assertThat(eight[0]).isEqualTo("8");
    assertThat(eight[1]).isEqualTo(String.valueOf(8 << 20));
    assertThat(eight[2]).isEqualTo("100000000");
    assertThat(Double.parseDouble(eight[3])).as("last ratio").isBetween(1.0, 3.0);
    assertThat(Long.parseLong(eight[6]))
        .as("driver data bytes: at least one copy")
        .isBetween(8L << 20, 12L << 20);
    assertThat(Files.readString(out.resolve("summary.md")))
        .contains("swarmcast simulate --executors 2,8")
        .contains("| 8 |");
    assertThat(Files.size(out.resolve("finish-cdf.png"))).isPositive();
    assertThat(Files.size(out.resolve("driver-link.png"))).isPositive();
    assertThat(Files.size(out.resolve("progress.png"))).isPositive();
    List<String> progress = Files.readAllLines(out.resolve("progress.csv"));
    assertThat(progress.get(0)).isEqualTo(String.join(",", SimReport.PROGRESS_COLUMNS));
    assertThat(progress.stream().skip(1).map(l -> l.split(",")[0]).distinct())
        .as("rows of both runs")
        .containsExactly("2", "8");
  }

  @Test
  void badValuesAreUsageErrors(@TempDir Path out) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(SwarmcastCli.run("simulate", "--executors", "0", "--out", out.toString()))
          .isEqualTo(2);
      assertThat(SwarmcastCli.run("simulate", "--slow-fraction", "2", "--out", out.toString()))
          .isEqualTo(2);
      assertThat(SwarmcastCli.run("simulate", "--rate", "fast", "--out", out.toString()))
          .isEqualTo(2);
      assertThat(
              SwarmcastCli.run("simulate", "--conf", "swarmcast.nope=1", "--out", out.toString()))
          .isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .contains("fractions must be in [0, 1]")
          .contains("swarmcast.nope");
    } finally {
      System.setErr(saved);
    }
  }
}
