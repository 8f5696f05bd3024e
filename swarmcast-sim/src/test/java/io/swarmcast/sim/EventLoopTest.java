package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EventLoopTest {
  @Test
  void eventsRunInTimeOrderAndTiesInTheOrderTheyWereScheduled() {
    EventLoop loop = new EventLoop();
    Random random = new Random(7);
    List<long[]> scheduled = new ArrayList<>(); // {at, order scheduled}
    List<Long> ran = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      long at = 1 + random.nextInt(500); // many ties
      long order = i;
      scheduled.add(new long[] {at, order});
      loop.at(at, () -> ran.add(order));
    }
    loop.run(Long.MAX_VALUE);
    scheduled.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    assertThat(ran).containsExactlyElementsOf(scheduled.stream().map(e -> e[1]).toList());
  }

  @Test
  void eventsScheduledWhileRunningKeepTheOrder() {
    EventLoop loop = new EventLoop();
    List<String> ran = new ArrayList<>();
    loop.at(
        10,
        () -> {
          ran.add("a@10");
          loop.after(0, () -> ran.add("now@10")); // due now: after what the heap holds for 10
          loop.after(5, () -> ran.add("c@15"));
        });
    loop.at(10, () -> ran.add("b@10"));
    loop.at(15, () -> ran.add("d@15"));
    loop.run(Long.MAX_VALUE);
    assertThat(ran).containsExactly("a@10", "b@10", "now@10", "d@15", "c@15");
  }

  @Test
  void runStopsAtItsLimitWithTheClockThere() {
    EventLoop loop = new EventLoop();
    List<Long> ran = new ArrayList<>();
    for (long t = 1; t <= 100; t++) {
      long at = t * 10;
      loop.at(at, () -> ran.add(at));
    }
    loop.run(505);
    assertThat(ran).hasSize(50).endsWith(500L);
    assertThat(loop.now()).isEqualTo(505);
  }
}
