package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.node.Endpoint;
import io.swarmcast.tracker.Tracker;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SeededReportTest {
  /**
   * The driver may die only when every piece has a holder and every executor's fetch is under way.
   */
  @Test
  void seededNeedsEveryPieceOnSomeExecutorAndEveryExecutorHoldingOne() {
    Tracker tracker = new Tracker((executor, notice) -> {});
    tracker.addBroadcast(1, 2, true);
    int a = tracker.register("127.0.0.1", 1).id();
    int b = tracker.register("127.0.0.1", 2).id();
    tracker.announce(a, 1, 0);
    tracker.announce(a, 1, 1);
    assertThat(tracker.isSeeded(1)).isTrue();
    assertThat(SeededReport.seeded(tracker, 1, tracker.executors()))
        .as("executor b holds nothing yet")
        .isFalse();
    tracker.announce(b, 1, 1);
    assertThat(SeededReport.seeded(tracker, 1, tracker.executors())).isTrue();
  }

  /**
   * The demo finds the driver's reports among its JSON lines and reads back what the driver wrote.
   */
  @Test
  void theDemoReadsBackTheDriversReports() {
    String listening = DriverCommand.listeningLine(Endpoint.parse("127.0.0.1:40123"));
    String seeded = SeededReport.line(9_000_000_000L, 17);
    assertThat(seeded).isEqualTo("{\"seeded\":9000000000,\"pieces\":17}");
    assertThat(listening).isEqualTo("{\"listening\":\"127.0.0.1:40123\"}");

    assertThat(DriverKillDemo.reporting(listening, "listening").text("listening"))
        .isEqualTo("127.0.0.1:40123");
    assertThat(DriverKillDemo.reporting(seeded, "seeded").whole("seeded"))
        .isEqualTo(9_000_000_000L);
    String round =
        new RoundResult("torrent", 1, 0, 1024, 1.0, 1024, 0, 0, Double.NaN, List.of()).toJson();
    for (String other : List.of(listening, round, "not JSON", "{\"seeded\":")) {
      assertThat(DriverKillDemo.reporting(other, "seeded")).as(other).isNull();
    }
  }
}
