package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.tracker.Tracker;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SeededReportTest {
  /** The driver may die only when every piece has a holder and every executor's fetch is under way. */
  @Test
  void seededNeedsEveryPieceOnSomeExecutorAndEveryExecutorHoldingOne() {
    Tracker tracker = new Tracker((executor, notice) -> { });
    tracker.addBroadcast(1, 2, true);
    int a = tracker.register("127.0.0.1", 1).id();
    int b = tracker.register("127.0.0.1", 2).id();
    tracker.announce(a, 1, 0);
    tracker.announce(a, 1, 1);
    assertThat(tracker.isSeeded(1)).isTrue();
    assertThat(SeededReport.seeded(tracker, 1, tracker.executors())).as("executor b holds nothing yet").isFalse();
    tracker.announce(b, 1, 1);
    assertThat(SeededReport.seeded(tracker, 1, tracker.executors())).isTrue();
  }
}
