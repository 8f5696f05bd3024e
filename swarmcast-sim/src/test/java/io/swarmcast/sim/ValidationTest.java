package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The model against the emulated cluster, in every build: the small shapes of a committed bench run
 * (docs/scaling/validation/100mbit, made by bench/validation.sh) simulated again and compared. A change
 * to the scheduler, the tracker or the model that moves the prediction away from what was measured
 * fails here. docs/scaling.md has every shape, the one the model misses (32 executors) included.
 */
@Timeout(120)
class ValidationTest {
  private static final Path MEASURED = Path.of("..", "docs", "scaling", "validation", "100mbit", "results.csv");

  @Test
  void theSimulatorIsWithinFivePercentOfTheMeasuredMediansAndTwoPointsOfTheByteSplit() throws Exception {
    assertThat(MEASURED).exists();
    Path small = Files.createTempFile("validation", ".csv");
    try {
      // The shapes up to 8 executors: 16 are measured too, but simulated they take longer than a unit test should.
      List<String> lines = Files.readAllLines(MEASURED);
      Files.write(small, lines.stream().filter(l -> l.startsWith("factory") || !l.matches("torrent,16,.*")).toList());
      List<Validation.Row> rows = Validation.compare(small, s -> s);
      assertThat(rows).extracting(Validation.Row::executors).containsExactly(1, 2, 4, 8);
      for (Validation.Row r : rows) {
        assertThat(Math.abs(r.splitError())).as("driver share, %d executors", r.executors()).isLessThan(0.02);
        // At 2 executors the measured time includes a TCP loss the model does not have; that the two agree
        // there is partly the approximation's own unused capacity (docs/scaling.md): a failure here may be either.
        assertThat(Math.abs(r.timeError())).as("time, %d executors", r.executors()).isLessThan(0.05);
      }
    } finally {
      Files.deleteIfExists(small);
    }
  }
}
