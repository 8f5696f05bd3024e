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
      push(at, seq++ << 1, action);
    }
  }

  /**
   * An event that is moved, not scheduled again: it is in the heap at most once, at the time last
   * set. A connection's next event moves whenever its rate changes to an earlier time; scheduled
   * anew each time, the superseded events stayed in the heap until their time, 5.6 of the 12.6
   * million events a run of 1,000 executors popped.
   */
  abstract static class Timer implements Runnable {
    /** Its place in the heap; -1 when not set. */
    private int slot = -1;

    /** Whether it is set and has not run yet. */
    final boolean isSet() {
      return slot >= 0;
    }
  }

  /**
   * Sets {@code timer} to run at {@code at} (now if that is past), moving it if it was set. It then
   * ranks after every event already scheduled for that instant, as a newly scheduled event would.
   */
  void set(Timer timer, long at) {
    long when = Math.max(at, now);
    long sq = (seq++ << 1) | 1; // the low bit marks a timer's place, to keep its slot up to date
    int i = timer.slot;
    if (i < 0) {
      push(when, sq, timer);
      return;
    }
    if (keyBefore(when, sq, i)) {
      siftUp(i, when, sq, timer);
    } else {
      siftDown(i, when, sq, timer);
    }
  }

  /** Takes {@code timer} out of the heap if it is set. */
  void cancel(Timer timer) {
    int i = timer.slot;
    if (i < 0) {
      return;
    }
    timer.slot = -1;
    int last = --heapSize;
    long at = heapKey[2 * last];
    long sq = heapKey[2 * last + 1];
    Runnable action = heapAction[last];
    heapAction[last] = null;
    if (i == last) {
      return;
    }
    if (keyBefore(at, sq, i)) {
      siftUp(i, at, sq, action);
    } else {
      siftDown(i, at, sq, action);
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
    long sq = heapKey[2 * from + 1];
    heapKey[2 * to + 1] = sq;
    Runnable a = heapAction[from];
    heapAction[to] = a;
    if ((sq & 1) != 0) {
      ((Timer) a).slot = to;
    }
  }

  private void place(int i, long at, long sq, Runnable action) {
    heapKey[2 * i] = at;
    heapKey[2 * i + 1] = sq;
    heapAction[i] = action;
    if ((sq & 1) != 0) {
      ((Timer) action).slot = i;
    }
  }

  private void push(long at, long sq, Runnable action) {
    if (heapSize == heapAction.length) {
      int n = heapSize * 2;
      heapKey = Arrays.copyOf(heapKey, 2 * n);
      heapAction = Arrays.copyOf(heapAction, n);
    }
    siftUp(heapSize++, at, sq, action);
  }

  /** Places (at, sq, action) at {@code i} or above it, moving the events it passes down. */
  private void siftUp(int i, long at, long sq, Runnable action) {
    while (i > 0) {
      int parent = (i - 1) >>> 2;
      if (!keyBefore(at, sq, parent)) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    place(i, at, sq, action);
  }

  /** Whether (at, sq) comes before event {@code i} of the heap. */
  private boolean keyBefore(long at, long sq, int i) {
    long a = heapKey[2 * i];
    return at < a || (at == a && sq < heapKey[2 * i + 1]);
  }

  /** Removes the first event and returns its action. */
  private Runnable pop() {
    Runnable first = heapAction[0];
    if ((heapKey[1] & 1) != 0) {
      ((Timer) first).slot = -1;
    }
    int last = --heapSize;
    long at = heapKey[2 * last];
    long sq = heapKey[2 * last + 1];
    Runnable action = heapAction[last];
    heapAction[last] = null;
    if (last > 0) {
      siftDown(0, at, sq, action);
    }
    return first;
  }

  /** Places (at, sq, action) at {@code i} or below it, moving the events it passes up. */
  private void siftDown(int i, long at, long sq, Runnable action) {
    int size = heapSize;
    while (true) {
      int first4 = 4 * i + 1; // a 4-ary heap: half the levels of a binary one, children adjacent
      if (first4 >= size) {
        break;
      }
      int child = first4;
      int end = Math.min(first4 + 4, size);
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
    place(i, at, sq, action);
  }

  /** Events run so far: the simulation's own cost. */
  long executed() {
    return executed;
  }
}
