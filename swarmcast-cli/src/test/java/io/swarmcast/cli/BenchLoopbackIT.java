package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code swarmcast bench --loopback} end to end: real driver and executor processes, every output file. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BenchLoopbackIT {
  @TempDir
  Path out;

  @Test
  void aLoopbackSweepWritesARowPerRunASummaryAndAPlot() throws Exception {
    int code = SwarmcastCli.run("bench", "--loopback", "--executors", "1,2", "--size", "256k", "--factory", "torrent,direct",
        "--reps", "2", "--warmup", "1", "--out", out.toString(),
        "--jvm-opt=-Xmx96m", "--jvm-opt=-XX:TieredStopAtLevel=1", "--jvm-opt=-XX:+UseSerialGC");
    assertThat(code).isZero();

    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv.get(0)).isEqualTo("factory,executors,sizeBytes,rateMbit,rep,seconds,lowerBoundSeconds,ratio,"
        + "driverBytesSent,peerBytesSent,driverPeakHeapBytes,executorPeakHeapBytes");
    List<String[]> rows = csv.subList(1, csv.size()).stream().map(l -> l.split(",")).toList();
    assertThat(rows).extracting(r -> r[0] + " " + r[1] + " " + r[4]).containsExactlyInAnyOrder(
        "torrent 1 1", "torrent 1 2", "torrent 2 1", "torrent 2 2", "direct 1 1", "direct 1 2", "direct 2 1", "direct 2 2");
    for (String[] r : rows) {
      String run = Arrays.toString(r);
      assertThat(Long.parseLong(r[2])).as(run).isEqualTo(256 * 1024);
      assertThat(Double.parseDouble(r[5])).as("seconds of %s", run).isPositive();
      long delivered = Long.parseLong(r[8]) + Long.parseLong(r[9]);
      assertThat(delivered).as("bytes sent in %s: every executor got the whole value", run)
          .isGreaterThanOrEqualTo(Long.parseLong(r[1]) * 256 * 1024);
    }
    assertThat(Files.readString(out.resolve("summary.md"))).contains("| torrent | 2 |", "| direct | 2 |");
    byte[] png = Files.readAllBytes(out.resolve("time-vs-executors.png"));
    assertThat(Arrays.copyOf(png, 4)).containsExactly(0x89, 'P', 'N', 'G');
  }
}
