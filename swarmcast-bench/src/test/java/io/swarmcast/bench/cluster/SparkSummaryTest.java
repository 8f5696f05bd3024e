package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SparkSummaryTest {
  private static final long SIZE = 128L << 20;
  private static final long RATE = 100_000_000;

  private static BenchRow row(String factory, int executors, int rep, double seconds) {
    return BenchRow.fromDriverJson(
        "{\"factory\":\""
            + factory
            + "\",\"rep\":"
            + rep
            + ",\"executors\":"
            + executors
            + ",\"sizeBytes\":"
            + SIZE
            + ",\"seconds\":"
            + seconds
            + ",\"driverBytesSent\":-1,\"peerBytesSent\":-1,"
            + "\"driverPeakHeapBytes\":0,\"executorPeakHeapBytes\":0,\"driverCpuSeconds\":null,\"executorCpuSeconds\":null,"
            + "\"allVerified\":true}",
        RATE,
        0);
  }

  @Test
  void speedUpIsSparksMedianOverSwarmcastsPerExecutorCount() {
    List<BenchSummary.Group> groups =
        BenchSummary.groups(
            List.of(
                row("spark-torrent", 2, 1, 30),
                row("swarmcast", 2, 1, 12),
                row("swarmcast", 2, 2, 11),
                row("spark-torrent", 2, 2, 20),
                row("spark-torrent", 8, 1, 90),
                row("swarmcast", 8, 1, 15)));

    String table = SparkSummary.speedups(groups);

    // 2 executors: medians 25 and 11.5; the first broadcasts 30 and 12.
    assertThat(table).contains("| 2 | 25.000 | 11.500 | 2.17× | 2.50× |");
    assertThat(table).contains("| 8 | 90.000 | 15.000 | 6.00× | 6.00× |");
  }

  @Test
  void theSummarySaysWhatWasComparedAndThatSparksByteCountsAreUnknown() {
    List<BenchSummary.Group> groups =
        BenchSummary.groups(List.of(row("spark-torrent", 1, 1, 12), row("swarmcast", 1, 1, 11)));
    BenchSummary.Setup setup =
        new BenchSummary.Setup(
            "swarmcast bench --spark --executors 1 --rate 100mbit",
            false,
            SIZE,
            RATE,
            0,
            List.of("-Xmx1g"),
            0,
            null,
            List.of("4 executors: timed out"),
            0,
            0);

    String md = SparkSummary.markdown(setup, groups);

    assertThat(md)
        .contains(
            "swarmcast bench --spark --executors 1 --rate 100mbit",
            "`spark-torrent`",
            "-1",
            "100 Mbit/s",
            "## Failures",
            "4 executors: timed out");
  }
}
