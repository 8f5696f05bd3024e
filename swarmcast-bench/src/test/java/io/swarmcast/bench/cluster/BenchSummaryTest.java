package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchSummaryTest {
  private static final long MIB16 = 16L << 20;
  private static final long RATE = 100_000_000;

  private static BenchRow row(String factory, int executors, int rep, double seconds, long driverBytes, boolean ok) {
    return new BenchRow(factory, executors, MIB16, RATE, rep, seconds, driverBytes, MIB16, 50L << 20, 60L << 20, ok);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void medianOfOddAndEvenCounts() {
    assertThat(BenchSummary.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(BenchSummary.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(BenchSummary.median(List.of(7.0))).isEqualTo(7.0);
    assertThat(BenchSummary.median(List.of())).isNaN();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void groupsByFactoryAndExecutorsInSweepOrder() {
    List<BenchRow> rows = List.of(
        row("torrent", 2, 1, 2.0, MIB16, true), row("torrent", 2, 2, 9.0, MIB16, true),
        row("torrent", 2, 3, 2.2, MIB16, false),
        row("direct", 2, 1, 3.0, 2 * MIB16, true));
    List<BenchSummary.Group> groups = BenchSummary.groups(rows);
    assertThat(groups).extracting(BenchSummary.Group::factory).containsExactly("torrent", "direct");
    BenchSummary.Group t = groups.get(0);
    assertThat(t.reps()).isEqualTo(3);
    assertThat(t.verified()).isEqualTo(2);
    assertThat(t.seconds()).isEqualTo(2.2);
    assertThat(t.lowerBoundSeconds()).isCloseTo(1.34217728, within(1e-9));
    assertThat(t.ratio()).isCloseTo(2.2 / 1.34217728, within(1e-9));
    assertThat(t.driverCopies()).isEqualTo(1.0);
    assertThat(t.mibPerSecondPerExecutor()).isCloseTo(16 / 2.2, within(1e-9));
    assertThat(groups.get(1).driverCopies()).isEqualTo(2.0);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void markdownHasCommandTableAndFailures() {
    List<BenchSummary.Group> groups = BenchSummary.groups(List.of(
        row("torrent", 1, 1, 1.5, MIB16, true), row("direct", 1, 1, 1.6, MIB16, true)));
    String cmd = "swarmcast bench --executors 1 --size 16m --rate 100mbit --reps 1 --out /tmp/x";
    String md = BenchSummary.markdown(new BenchSummary.Setup(cmd, false, MIB16, RATE, 0, List.of("direct x 2: boom")),
        groups);
    assertThat(md).contains(cmd)
        .contains("| factory | executors | reps verified | median s | size÷bandwidth s | ratio | driver sent ×size")
        .contains("| torrent | 1 | 1/1 | 1.500 | 1.342 | 1.12 | 1.00 | 1.00 | 10.7 | 50 | 60 |")
        .contains("| direct | 1 | 1/1 | 1.600 | 1.342 | 1.19 | 1.00 | 1.00 | 10.0 | 50 | 60 |")
        .contains("100 Mbit/s")
        .contains("## Failures").contains("direct x 2: boom");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void loopbackWithoutRateSaysTheBoundIsZero() {
    BenchRow r = new BenchRow("torrent", 2, MIB16, 0, 1, 0.5, MIB16, MIB16, 0, 0, true);
    String md = BenchSummary.markdown(new BenchSummary.Setup("swarmcast bench --loopback", true, MIB16, 0, 0, List.of()),
        BenchSummary.groups(List.of(r)));
    assertThat(md).contains("127.0.0.1").contains("are 0").doesNotContain("## Failures")
        .contains("| torrent | 2 | 1/1 | 0.500 | 0.000 | 0.00 | 1.00 | 1.00 | 32.0 |");
  }
}
