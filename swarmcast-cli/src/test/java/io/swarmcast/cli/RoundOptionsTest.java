package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RoundOptionsTest {
  /**
   * demo --kill-driver-after-seeded hands its options to a child driver: it must get exactly the
   * same ones.
   */
  @Test
  void argsGiveAChildDriverTheSameOptions() {
    RoundOptions given =
        driver(
            "--size",
            "3m",
            "--factory",
            "torrent",
            "--warmup",
            "2",
            "--warmup-size",
            "1k",
            "--block-size",
            "256k",
            "--compress",
            "zstd",
            "--seed",
            "9",
            "--conf",
            "swarmcast.fetch.maxInFlight=16," + "swarmcast.network.ioThreads=1",
            "--json");
    RoundOptions child = driver(given.args().toArray(new String[0]));

    assertThat(child.args()).isEqualTo(given.args());
    assertThat(child.size).isEqualTo(3L << 20);
    assertThat(child.warmupSize).isEqualTo(1024L);
    assertThat(child.blockSize).isEqualTo(256L << 10);
    assertThat(child.compress).isEqualTo(RoundOptions.Codec.zstd);
    assertThat(child.seed).isEqualTo(9);
    assertThat(child.extra)
        .containsExactly("swarmcast.fetch.maxInFlight=16", "swarmcast.network.ioThreads=1");
    assertThat(child.json).as("the caller decides on --json").isFalse();
    assertThat(driver().args())
        .containsExactly(
            "--size",
            Long.toString(64L << 20),
            "--factory",
            "torrent",
            "--reps",
            "1",
            "--warmup",
            "0",
            "--seed",
            "1");
  }

  private static RoundOptions driver(String... roundArgs) {
    List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1:0", "--executors", "1"));
    args.addAll(List.of(roundArgs));
    return CommandLine.populateCommand(new DriverCommand(), args.toArray(new String[0])).round;
  }
}
