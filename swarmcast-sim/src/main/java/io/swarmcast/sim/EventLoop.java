package io.swarmcast.sim;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Virtual time and the events due at each moment: one thread runs them in time order (ties in the
 * order they were scheduled), so a run is a function of its scenario and seed. The clock is in
 * nanoseconds, the unit of the scheduler's own clock, which reads {@link #now}.
 *
 * <p>Events due now (a write that completes at once, the next step of a handler) go to a plain
 * queue instead of the heap, and run before any other event of this instant: they are the rest of
 * what the event that scheduled them does, as a Netty promise's listeners run inside the write that
 * completes it. Run after the heap's events of the same instant (in the order scheduled, as one
 * heap would), they made a tie between messages into a different outcome from messages a nanosecond
 * apart: sixteen requests reaching a block server at one instant all found its upload slot taken by
 * the first one's write, which had completed at once but not yet been run, and 200 executors
 * finished at 1.35 × instead of 1.22 × (docs/scaling.md).
 */
final class EventLoop {
  /**
   * The events in the future: a 4-ary heap ordered by (time, sequence) kept in arrays rather than a
   * PriorityQueue of objects, whose comparisons chased a pointer each and were a sixth of a large
   * run's time. An event's time and sequence sit side by side ({@code 2i}, {@code 2i + 1}), so a
   * comparison reads one cache line.
   */
  private long[] heapKey = new long[2048];

  private Runnable[] heapAction = new Runnable[1024];
  private int heapSize;
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
      push(at, seq++, action);
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
      if (!dueNow.isEmpty()) {
        executed++;
        dueNow.poll().run();
        continue;
      }
      if (heapSize == 0) {
        return;
      }
      long at = heapKey[0];
      Runnable action = pop();
      if (at > until) {
        now = until;
        return;
      }
      now = at;
      executed++;
      action.run();
    }
  }

  /** Whether event {@code i} of the heap comes before (at, sq). */
  private boolean eventBefore(int i, long at, long sq) {
    long a = heapKey[2 * i];
    return a < at || (a == at && heapKey[2 * i + 1] < sq);
  }

  private void move(int from, int to) {
    heapKey[2 * to] = heapKey[2 * from];
    heapKey[2 * to + 1] = heapKey[2 * from + 1];
    heapAction[to] = heapAction[from];
  }

  private void push(long at, long sq, Runnable action) {
    if (heapSize == heapAction.length) {
      int n = heapSize * 2;
      heapKey = Arrays.copyOf(heapKey, 2 * n);
      heapAction = Arrays.copyOf(heapAction, n);
    }
    int i = heapSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 2;
      if (!keyBefore(at, sq, parent)) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    heapKey[2 * i] = at;
    heapKey[2 * i + 1] = sq;
    heapAction[i] = action;
  }

  /** Whether (at, sq) comes before event {@code i} of the heap. */
  private boolean keyBefore(long at, long sq, int i) {
    long a = heapKey[2 * i];
    return at < a || (at == a && sq < heapKey[2 * i + 1]);
  }

  /** Removes the first event and returns its action. */
  private Runnable pop() {
    Runnable first = heapAction[0];
    int last = --heapSize;
    long at = heapKey[2 * last];
    long sq = heapKey[2 * last + 1];
    Runnable action = heapAction[last];
    heapAction[last] = null;
    int i = 0;
    while (true) {
      int first4 = 4 * i + 1; // a 4-ary heap: half the levels of a binary one, children adjacent
      if (first4 >= last) {
        break;
      }
      int child = first4;
      int end = Math.min(first4 + 4, last);
      for (int k = first4 + 1; k < end; k++) {
        if (eventBefore(k, heapKey[2 * child], heapKey[2 * child + 1])) {
          child = k;
        }
      }
      if (!eventBefore(child, at, sq)) {
        break;
      }
      move(child, i);
      i = child;
    }
    if (last > 0) {
      heapKey[2 * i] = at;
      heapKey[2 * i + 1] = sq;
      heapAction[i] = action;
    }
    return first;
  }

  /** Events run so far: the simulation's own cost. */
  long executed() {
    return executed;
  }
}
