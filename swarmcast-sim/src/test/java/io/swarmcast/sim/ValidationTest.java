package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.conf.SwarmConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The model against the emulated cluster, in every build: the small shapes of committed bench runs
 * (made by bench/validation.sh) simulated again and compared, once with neighbours (the default,
 * docs/scaling/validation) and once with the tracker's relay (docs/scaling/validation-relay). A
 * change to the scheduler, the tracker or the model that moves a prediction away from what was
 * measured fails here. docs/scaling.md has every shape, the ones the model misses included.
 */
@Timeout(180)
class ValidationTest {
  private static final Path SCALING = Path.of("..", "docs", "scaling");

  @Test
  void withNeighboursTheSimulatorIsWithinFivePercentOfTheMeasuredMediansAndTwoPointsOfTheByteSplit()
      throws Exception {
    // At 2 executors the model is 5.9 % optimistic: the measured time includes a TCP loss the model
    // does not have (docs/scaling.md). That miss is bounded here, not hidden.
    check(SCALING.resolve("validation/100mbit/results.csv"), s -> s, Map.of(2, 0.07));
  }

  @Test
  void withTheRelayTheSimulatorIsWithinFivePercentOfTheMeasuredMediansAndTwoPointsOfTheByteSplit()
      throws Exception {
    check(
        SCALING.resolve("validation-relay/100mbit/results.csv"),
        s -> s.withConf(new SwarmConf().set(SwarmConf.TRACKER_NEIGHBOURS, "0")),
        Map.of());
  }

  private static void check(
      Path measured, Function<Scenario, Scenario> scenario, Map<Integer, Double> knownMisses)
      throws Exception {
    assertThat(measured).exists();
    Path small = Files.createTempFile("validation", ".csv");
    try {
      // The shapes up to 8 executors: 16 are measured too, but simulated they take longer than a
      // unit test should.
      List<String> lines = Files.readAllLines(measured);
      Files.write(
          small,
          lines.stream()
              .filter(l -> l.startsWith("factory") || !l.matches("torrent,16,.*"))
              .toList());
      List<Validation.Row> rows = Validation.compare(small, scenario);
      assertThat(rows).extracting(Validation.Row::executors).containsExactly(1, 2, 4, 8);
      for (Validation.Row r : rows) {
        assertThat(Math.abs(r.splitError()))
            .as("driver share, %d executors", r.executors())
            .isLessThan(0.02);
        assertThat(Math.abs(r.timeError()))
            .as("time, %d executors", r.executors())
            .isLessThan(knownMisses.getOrDefault(r.executors(), 0.05));
      }
    } finally {
      Files.deleteIfExists(small);
    }
  }
}
