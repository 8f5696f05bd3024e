package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.JavaOpts;
import io.swarmcast.cli.SwarmcastCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swarmcast bench --loopback} end to end: real driver and executor processes, every output
 * file.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BenchLoopbackIT {
  @TempDir Path out;

  @Test
  void aLoopbackSweepWritesARowPerRunASummaryAndAPlot() throws Exception {
    // Default JVM options (a user's, plus a heap) and no warm-up: rep 1 is each fresh cluster's
    // first broadcast.
    int code =
        SwarmcastCli.run(
            "bench",
            "--loopback",
            "--executors",
            "1,2",
            "--size",
            "256k",
            "--factory",
            "torrent,direct",
            "--reps",
            "2",
            "--ceiling",
            "8m",
            "--out",
            out.toString());
    assertThat(code).isZero();

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv.get(0))
        .isEqualTo(
            "factory,executors,sizeBytes,rateMbit,rep,clusterBroadcast,seconds,lowerBoundSeconds,"
                + "ratio,driverBytesSent,peerBytesSent,driverPeakHeapBytes,executorPeakHeapBytes,driverCpuSeconds,cpuSeconds,"
                + "cpuSecondsPerGiB,seededSeconds");
    List<String[]> rows = csv.subList(1, csv.size()).stream().map(l -> l.split(",", -1)).toList();
    assertThat(rows)
        .as("a seeded time in most rows")
        .filteredOn(r -> !r[16].isEmpty())
        .hasSizeGreaterThanOrEqualTo(rows.size() / 2);
    assertThat(rows)
        .extracting(r -> r[0] + " " + r[1] + " " + r[4] + " " + r[5])
        .containsExactlyInAnyOrder(
            "torrent 1 1 1",
            "torrent 1 2 2",
            "torrent 2 1 1",
            "torrent 2 2 2",
            "direct 1 1 1",
            "direct 1 2 2",
            "direct 2 1 1",
            "direct 2 2 2");
    double cpuOfAll = 0;
    for (String[] r : rows) {
      String run = Arrays.toString(r);
      assertThat(Long.parseLong(r[2])).as(run).isEqualTo(256 * 1024);
      assertThat(Double.parseDouble(r[6])).as("seconds of %s", run).isPositive();
      if (!r[16]
          .isEmpty()) { // unknown if the tracker heard the last announcement only after the round
        assertThat(Double.parseDouble(r[16]))
            .as("seeded no later than the last executor had it, in %s", run)
            .isPositive()
            .isLessThanOrEqualTo(Double.parseDouble(r[6]) + 5.0);
      }
      long delivered = Long.parseLong(r[9]) + Long.parseLong(r[10]);
      assertThat(delivered)
          .as("bytes sent in %s: every executor got the whole value", run)
          .isGreaterThanOrEqualTo(Long.parseLong(r[1]) * 256 * 1024);
      // CPU time moves in clock ticks (10 ms) per process, so a short broadcast may show 0.
      double driverCpu = Double.parseDouble(r[13]);
      double cpu = Double.parseDouble(r[14]);
      assertThat(driverCpu).as("driver CPU of %s", run).isNotNegative();
      assertThat(cpu).as("CPU of %s", run).isGreaterThanOrEqualTo(driverCpu);
      assertThat(Double.parseDouble(r[15]))
          .as("CPU per GiB of %s", run)
          .isCloseTo(
              cpu / (Long.parseLong(r[1]) / 4096.0), Offset.offset(0.01 + 0.01 * cpu * 4096));
      cpuOfAll += cpu;
    }
    assertThat(cpuOfAll).as("CPU of all broadcasts").isPositive();
    List<String> processes = Files.readAllLines(out.resolve("processes.csv"));
    assertThat(processes.get(0)).isEqualTo("factory,executors,process,pid,cpuSeconds,peakRssMiB");
    assertThat(processes).hasSize(1 + 2 * (2 + 3)); // per factory: 1 + 1 and 1 + 2 processes
    assertThat(processes.subList(1, processes.size()))
        .allSatisfy(
            l -> {
              assertThat(Double.parseDouble(l.split(",")[4])).isPositive();
              assertThat(Long.parseLong(l.split(",")[5]))
                  .as("peak resident MiB of %s", l)
                  .isBetween(16L, 4096L);
            });
    assertThat(Files.readAllLines(out.resolve("ceiling.csv")))
        .hasSize(4)
        .first()
        .isEqualTo("rep,bytes,seconds,MiBps");

    String summary = Files.readString(out.resolve("summary.md"));
    assertThat(summary)
        .contains(
            "| torrent | 2 |",
            "| direct | 2 |",
            "No warm-up",
            "## Loopback ceiling",
            "`" + String.join(" ", JavaOpts.fromEnvironment()) + " -Xms512m -Xmx512m`");
    // The old bench-only flags are gone (C1 only is the wrapper's own default now, so every user
    // gets it).
    assertThat(summary)
        .doesNotContain("AlwaysPreTouch", "UseSerialGC", "UsePerfData", "## Failures");
    byte[] png = Files.readAllBytes(out.resolve("time-vs-executors.png"));
    assertThat(Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');
  }
}
