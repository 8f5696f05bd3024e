package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.cli.JavaOpts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The settings the command line hands the engine check themselves; nothing is run. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BenchSettingsTest {
  private static BenchSettings settings(
      List<Integer> executors, boolean loopback, long delayMicros) {
    return new BenchSettings(
        executors,
        List.of("torrent"),
        1 << 20,
        100_000_000,
        0,
        delayMicros,
        3,
        2,
        null,
        loopback,
        null,
        null,
        List.of(),
        0,
        List.of(),
        0,
        "io.example.Main",
        Path.of("out"),
        "swarmcast bench",
        false,
        0,
        0);
  }

  private static BenchSettings withSlow(
      List<Integer> executors, boolean loopback, int slow, long slowRate) {
    BenchSettings s = settings(executors, loopback, 0);
    return new BenchSettings(
        s.executors(),
        s.factories(),
        s.sizeBytes(),
        s.rateBits(),
        s.driverRateBits(),
        s.delayMicros(),
        s.reps(),
        s.warmup(),
        s.warmupSizeBytes(),
        s.loopback(),
        s.blockSizeBytes(),
        s.compress(),
        s.conf(),
        s.timeoutSeconds(),
        s.jvmOpts(),
        s.ceilingBytes(),
        s.mainClass(),
        s.out(),
        s.commandLine(),
        s.files(),
        slow,
        slowRate);
  }

  @Test
  void slowExecutorsNeedARateTheNetworkAndAFastOneLeft() {
    assertThat(withSlow(List.of(8), false, 1, 10_000_000).slowExecutors()).isEqualTo(1);
    assertThatThrownBy(() -> withSlow(List.of(8), false, 1, 0))
        .hasMessageContaining("positive --slow-rate");
    assertThatThrownBy(() -> withSlow(List.of(8), true, 1, 10_000_000))
        .hasMessageContaining("emulated network");
    assertThatThrownBy(() -> withSlow(List.of(8), false, 0, 10_000_000))
        .hasMessageContaining("without --slow-executors");
    assertThatThrownBy(() -> withSlow(List.of(1, 8), false, 1, 10_000_000))
        .hasMessageContaining("no fast executor among 1");
  }

  @Test
  void copiesItsLists() {
    List<Integer> counts = new ArrayList<>(List.of(1, 2));
    BenchSettings s = settings(counts, false, 0);
    counts.add(4);
    assertThat(s.executors()).containsExactly(1, 2);
  }

  @Test
  void refusesExecutorCountsTheClusterCannotHold() {
    assertThatThrownBy(() -> settings(List.of(0), false, 0)).hasMessageContaining(": 0");
    assertThatThrownBy(() -> settings(List.of(1, ClusterBench.MAX_EXECUTORS + 1), false, 0))
        .hasMessageContaining(": " + (ClusterBench.MAX_EXECUTORS + 1));
    assertThatThrownBy(() -> settings(List.of(), false, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesADelayOnLoopback() {
    assertThatThrownBy(() -> settings(List.of(1), true, 1000)).hasMessageContaining("1000 us");
    assertThat(settings(List.of(1), false, 1000).delayMicros()).isEqualTo(1000);
  }

  @Test
  void defaultJvmOptionsAreTheUsersPlusAHeapThatHoldsThreeCopiesOfTheValue() {
    assertThat(ClusterBench.defaultJvmOpts(JavaOpts.DEFAULT, 64L << 20))
        .containsExactly("-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1", "-Xms512m", "-Xmx512m");
    assertThat(ClusterBench.defaultJvmOpts(List.of("-XX:+UseG1GC", "-Xmx2g"), 512L << 20))
        .as("the bench's heap comes last, so it wins")
        .containsExactly("-XX:+UseG1GC", "-Xmx2g", "-Xms1792m", "-Xmx1792m");
  }
}
