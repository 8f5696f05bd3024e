package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchSummaryTest {
  private static final long MIB16 = 16L << 20;
  private static final long RATE = 100_000_000;
  private static final List<String> OPTS = List.of("-XX:+UseParallelGC", "-Xms512m", "-Xmx512m");

  /** A row with 0.25 s of driver CPU and {@code executorCpu} s over the executors. */
  private static BenchRow row(
      String factory,
      int executors,
      int rep,
      double seconds,
      long driverBytes,
      boolean ok,
      double executorCpu) {
    return new BenchRow(
        factory,
        executors,
        MIB16,
        RATE,
        rep,
        0,
        seconds,
        driverBytes,
        MIB16,
        50L << 20,
        60L << 20,
        0.25,
        executorCpu,
        ok);
  }

  private static BenchSummary.Setup setup(
      String cmd,
      boolean loopback,
      long rate,
      int warmup,
      CeilingRun.Result ceiling,
      List<String> failures) {
    return new BenchSummary.Setup(
        cmd, loopback, MIB16, rate, 0, OPTS, warmup, ceiling, failures, 0, 0);
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(BenchSummary.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(BenchSummary.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    assertThat(BenchSummary.median(List.of(7.0))).isEqualTo(7.0);
    assertThat(BenchSummary.median(List.of())).isNaN();
  }

  @Test
  void groupsByFactoryAndExecutorsInSweepOrderWithTheFirstBroadcastApart() {
    List<BenchRow> rows =
        List.of(
            row("torrent", 2, 1, 9.0, MIB16, true, 3.75),
            row("torrent", 2, 2, 2.0, MIB16, true, 0.75),
            row("torrent", 2, 3, 2.2, MIB16, false, 1.75),
            row("direct", 2, 1, 3.0, 2 * MIB16, true, 1.0));
    List<BenchSummary.Group> groups =
        BenchSummary.groups(rows, Map.of(BenchSummary.key("torrent", 2), 12.5));
    assertThat(groups).extracting(BenchSummary.Group::factory).containsExactly("torrent", "direct");
    BenchSummary.Group t = groups.get(0);
    assertThat(t.reps()).isEqualTo(3);
    assertThat(t.verified()).isEqualTo(2);
    assertThat(t.firstSeconds()).isEqualTo(9.0);
    assertThat(t.restSeconds()).isCloseTo(2.1, within(1e-9));
    assertThat(t.seconds()).isEqualTo(2.2);
    assertThat(t.lowerBoundSeconds()).isCloseTo(1.34217728, within(1e-9));
    assertThat(t.ratio()).isCloseTo(2.2 / 1.34217728, within(1e-9));
    assertThat(t.driverCopies()).isEqualTo(1.0);
    assertThat(t.mibPerSecondPerExecutor()).isCloseTo(16 / 2.2, within(1e-9));
    assertThat(t.firstCpuSeconds()).isEqualTo(4.0);
    assertThat(t.restCpuSeconds()).isEqualTo(1.5);
    assertThat(t.cpuSeconds()).isEqualTo(2.0);
    // 32 MiB delivered (16 MiB to 2 executors) is 1/32 GiB
    assertThat(t.perGiB(t.firstCpuSeconds())).isCloseTo(128.0, within(1e-9));
    assertThat(t.runCpuSeconds()).isEqualTo(12.5);
    assertThat(groups.get(1).driverCopies()).isEqualTo(2.0);
    assertThat(groups.get(1).restSeconds()).as("one broadcast: no rest").isNaN();
    assertThat(groups.get(1).runCpuSeconds()).isNaN();
  }

  @Test
  void afterWarmUpsNoBroadcastIsTheFirstOfTheCluster() {
    BenchRow warm =
        new BenchRow("torrent", 1, MIB16, RATE, 1, 2, 1.5, MIB16, 0, 0, 0, 0.1, 0.1, true);
    BenchSummary.Group g = BenchSummary.groups(List.of(warm)).get(0);
    assertThat(g.firstSeconds()).isNaN();
    assertThat(g.restSeconds()).isEqualTo(1.5);
    String md =
        BenchSummary.markdown(
            setup("swarmcast bench --warmup 2", false, RATE, 2, null, List.of()), List.of(g));
    assertThat(md)
        .contains("2 unreported warm-up broadcasts")
        .contains("| torrent | 1 | 1/1 | 1.342 | — | — | 1.500 |");
  }

  @Test
  void unknownCpuIsLeftOutOfTheMedians() {
    BenchRow known = row("torrent", 1, 2, 1.0, MIB16, true, 0.75);
    BenchRow unknown = row("torrent", 1, 3, 1.0, MIB16, true, Double.NaN);
    assertThat(BenchSummary.groups(List.of(known, unknown)).get(0).cpuSeconds()).isEqualTo(1.0);
  }

  @Test
  void markdownHasCommandOptionsBothTablesAndFailures() {
    List<BenchSummary.Group> groups =
        BenchSummary.groups(
            List.of(
                row("torrent", 1, 1, 1.5, MIB16, true, 0.75),
                row("torrent", 1, 2, 1.4, MIB16, true, 0.25),
                row("direct", 1, 1, 1.6, MIB16, true, 0.75)));
    String cmd = "swarmcast bench --executors 1 --size 16m --rate 100mbit --reps 2 --out /tmp/x";
    String md =
        BenchSummary.markdown(
            setup(cmd, false, RATE, 0, null, List.of("direct x 2: boom")), groups);
    assertThat(md)
        .contains(cmd)
        .contains("`-XX:+UseParallelGC -Xms512m -Xmx512m`")
        .contains("No warm-up: `first` is the first broadcast of the freshly started cluster")
        .contains(
            "| factory | executors | reps verified | size÷bandwidth s | first s | first ratio | rest median s "
                + "| rest ratio | all median s | all ratio | MiB/s per executor |")
        .contains(
            "| torrent | 1 | 2/2 | 1.342 | 1.500 | 1.12 | 1.400 | 1.04 | 1.450 | 1.08 | 11.0 |")
        .contains("| direct | 1 | 1/1 | 1.342 | 1.600 | 1.19 | — | — | 1.600 | 1.19 | 10.0 |")
        .contains(
            "| factory | executors | driver sent ×size | peers sent ×size | driver heap MiB | executor heap MiB "
                + "| CPU s/GiB first | CPU s/GiB rest median | CPU s/GiB all median | CPU s all median | CPU s whole run |")
        // 1.0 and 0.5 CPU seconds for 1/64 GiB
        .contains("| torrent | 1 | 1.00 | 1.00 | 50 | 60 | 64.000 | 32.000 | 48.000 | 0.750 | — |")
        .contains("100 Mbit/s")
        .doesNotContain("Loopback ceiling")
        .contains("## Failures")
        .contains("direct x 2: boom");
  }

  @Test
  void loopbackWithoutRateSaysTheBoundIsZero() {
    BenchRow r =
        new BenchRow("torrent", 2, MIB16, 0, 1, 0, 0.5, MIB16, MIB16, 0, 0, 0.1, 0.2, true);
    String md =
        BenchSummary.markdown(
            setup("swarmcast bench --loopback", true, 0, 0, null, List.of()),
            BenchSummary.groups(List.of(r)));
    assertThat(md)
        .contains("127.0.0.1")
        .contains("are 0")
        .doesNotContain("## Failures")
        .contains("| torrent | 2 | 1/1 | 0.000 | 0.500 | 0.00 | — | — | 0.500 | 0.00 | 32.0 |");
  }

  @Test
  void loopbackCeilingAndTheOneExecutorFractionOfIt() {
    List<BenchSummary.Group> groups =
        BenchSummary.groups(
            List.of(
                new BenchRow("torrent", 1, MIB16, 0, 1, 0, 0.1, MIB16, 0, 0, 0, 0.1, 0.1, true),
                new BenchRow("torrent", 1, MIB16, 0, 2, 0, 0.02, MIB16, 0, 0, 0, 0.1, 0.1, true),
                new BenchRow(
                    "torrent", 2, MIB16, 0, 1, 0, 0.5, MIB16, MIB16, 0, 0, 0.1, 0.2, true)));
    CeilingRun.Result ceiling =
        new CeilingRun.Result(512L << 20, List.of(0.5, 0.25, 0.3)); // 1706.7 MiB/s
    String md =
        BenchSummary.markdown(
            setup("swarmcast bench --loopback", true, 0, 0, ceiling, List.of()), groups);
    // first 160 MiB/s = 9 %; median of 0.1 and 0.02 s = 0.06 s: 266.7 MiB/s = 16 %
    assertThat(md)
        .contains("## Loopback ceiling")
        .contains("**1707 MiB/s**")
        .contains("0.500 s, 0.250 s, 0.300 s")
        .contains("| torrent | 1 | 16.0 MiB | 160.0 | 9 % | 266.7 | 16 % |")
        .doesNotContain("| torrent | 2 | 16");
  }
}
