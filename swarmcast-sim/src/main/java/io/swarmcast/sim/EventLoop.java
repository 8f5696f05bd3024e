package io.swarmcast.sim;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * Virtual time and the events due at each moment: one thread runs them in time order (ties in the
 * order they were scheduled), so a run is a function of its scenario and seed. The clock is in
 * nanoseconds, the unit of the scheduler's own clock, which reads {@link #now}.
 *
 * <p>Events due now (a write that completes at once, the next step of a handler) go to a plain
 * queue instead of the heap. Every event already in the heap for this instant was scheduled before
 * any of them, so the heap's are run first and the order is the one a single heap would give.
 */
final class EventLoop {
  private record Event(long at, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final PriorityQueue<Event> queue = new PriorityQueue<>();
  private final ArrayDeque<Runnable> dueNow = new ArrayDeque<>();
  private long now;
  private long seq;
  private long executed;
  private boolean stopped;

  long now() {
    return now;
  }

  /** Runs {@code action} at {@code at} (not before now). */
  void at(long at, Runnable action) {
    if (at <= now) {
      dueNow.add(action);
    } else {
      queue.add(new Event(at, seq++, action));
    }
  }

  /** Runs {@code action} {@code delay} nanoseconds from now. */
  void after(long delay, Runnable action) {
    at(now + delay, action);
  }

  /** Ends {@link #run} after the current event. */
  void stop() {
    stopped = true;
  }

  /**
   * Runs events in time order until none is left, {@link #stop} is called, or the clock passes
   * {@code until}.
   */
  void run(long until) {
    while (!stopped) {
      Event head = queue.peek();
      if (!dueNow.isEmpty() && (head == null || head.at > now)) {
        executed++;
        dueNow.poll().run();
        continue;
      }
      if (head == null) {
        return;
      }
      Event e = queue.poll();
      if (e.at > until) {
        now = until;
        return;
      }
      now = e.at;
      executed++;
      e.action.run();
    }
  }

  /** Events run so far: the simulation's own cost. */
  long executed() {
    return executed;
  }
}
