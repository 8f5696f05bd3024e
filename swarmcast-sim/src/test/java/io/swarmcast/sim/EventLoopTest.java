package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
          loop.after(0, () -> ran.add("now@10")); // due now: the rest of a@10, before b@10
          loop.after(5, () -> ran.add("c@15"));
        });
    loop.at(10, () -> ran.add("b@10"));
    loop.at(15, () -> ran.add("d@15"));
    loop.run(Long.MAX_VALUE);
    assertThat(ran).containsExactly("a@10", "now@10", "b@10", "d@15", "c@15");
  }

  /**
   * Events scheduled while running, most a fixed latency ahead (as messages are), some at random
   * times and some due now: each runs at its time, ties in the order scheduled, and events due now
   * before any of the heap's for the same instant.
   */
  @Test
  void eventsAFixedLatencyAheadMixedWithOthersRunInTimeAndScheduleOrder() {
    EventLoop loop = new EventLoop();
    Random random = new Random(11);
    List<long[]> ran = new ArrayList<>(); // {time it ran, time it was due, order scheduled, delay}
    long[] order = {0};
    int[] dueNowPending = {0};
    List<Long> heapRanWithDueNowPending = new ArrayList<>();
    Runnable[] spawn = new Runnable[1];
    spawn[0] =
        () -> {
          if (order[0] >= 200_000) {
            return;
          }
          int kind = random.nextInt(10);
          long delay = kind < 7 ? 100 : kind < 9 ? random.nextInt(300) : 0;
          long due = loop.now() + delay;
          long me = order[0]++;
          if (delay == 0) {
            dueNowPending[0]++;
          }
          loop.after(
              delay,
              () -> {
                if (delay == 0) {
                  dueNowPending[0]--;
                } else if (dueNowPending[0] > 0) {
                  heapRanWithDueNowPending.add(me);
                }
                ran.add(new long[] {loop.now(), due, me, delay});
                spawn[0].run();
                if (random.nextInt(4) == 0) {
                  spawn[0].run();
                }
              });
        };
    for (int i = 0; i < 50; i++) {
      spawn[0].run();
    }
    loop.run(Long.MAX_VALUE);
    assertThat(ran).hasSizeGreaterThan(100_000).allSatisfy(e -> assertThat(e[0]).isEqualTo(e[1]));
    for (int i = 1; i < ran.size(); i++) {
      long[] a = ran.get(i - 1);
      long[] b = ran.get(i);
      assertThat(b[0]).as("time order at %d", i).isGreaterThanOrEqualTo(a[0]);
      if (a[0] == b[0] && (a[3] == 0) == (b[3] == 0)) {
        assertThat(b[2]).as("ties in schedule order at %d", i).isGreaterThan(a[2]);
      }
    }
    assertThat(heapRanWithDueNowPending).as("events due now run before the heap's").isEmpty();
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

  /**
   * Timers moved earlier and later, cancelled and set again, among plain events: each timer runs
   * once, at the time last set, and everything runs in (time, order scheduled) order, as if every
   * move had cancelled the old event and scheduled a new one.
   */
  @Test
  void timersRunOnceAtTheirLastTimeInOrderWithPlainEvents() {
    EventLoop loop = new EventLoop();
    Random random = new Random(5);
    List<String> ran = new ArrayList<>();
    // The expected order: (time, sequence) of each live entry, as a fresh scheduling would give.
    TreeMap<long[], String> expected =
        new TreeMap<>(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
    long[] seq = {0};
    Map<Integer, long[]> timerKey = new HashMap<>();
    EventLoop.Timer[] timers = new EventLoop.Timer[50];
    for (int t = 0; t < timers.length; t++) {
      String name = "t" + t;
      timers[t] =
          new EventLoop.Timer() {
            @Override
            public void run() {
              ran.add(name);
            }
          };
    }
    for (int op = 0; op < 5_000; op++) {
      int t = random.nextInt(timers.length);
      long at = 1 + random.nextInt(1_000);
      switch (random.nextInt(3)) {
        case 0 -> {
          long[] key = {at, seq[0]++};
          String name = "p" + op;
          loop.at(at, () -> ran.add(name));
          expected.put(key, name);
        }
        case 1 -> {
          long[] old = timerKey.remove(t);
          if (old != null) {
            expected.remove(old);
          }
          long[] key = {at, seq[0]++};
          loop.set(timers[t], at);
          timerKey.put(t, key);
          expected.put(key, "t" + t);
        }
        default -> {
          long[] old = timerKey.remove(t);
          if (old != null) {
            expected.remove(old);
          }
          loop.cancel(timers[t]);
          assertThat(timers[t].isSet()).isFalse();
        }
      }
    }
    loop.run(Long.MAX_VALUE);
    assertThat(ran).containsExactlyElementsOf(expected.values());
    for (EventLoop.Timer timer : timers) {
      assertThat(timer.isSet()).isFalse();
    }
  }
}
