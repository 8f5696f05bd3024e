package io.swarmcast.broadcast;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys the broadcasts a driver has dropped: once the handle its {@link BroadcastManager}
 * returned is unreachable, the broadcast is removed from the driver and every executor, as Spark's
 * {@code ContextCleaner} unbroadcasts. Notebooks and streaming jobs drop handles without calling
 * {@code destroy()}; without this, every piece would stay on every executor for as long as they
 * run.
 *
 * <p>How: each handle is watched through a weak reference on a reference queue. Every {@code
 * swarmcast.cleaner.interval}, one thread takes whatever the GC has queued and removes those
 * broadcasts in one batch, without waiting for the executors' acknowledgements (SPARK-3015:
 * blocking removals, one at a time, held the cleaner up behind slow executors). Since a driver that
 * allocates little may not collect for hours (SPARK-46710), it also asks for a GC every {@code
 * swarmcast.cleaner.gcInterval} while it watches any handle (checked at each run, so a dropped
 * handle is gone within the larger of the two intervals, plus one interval).
 *
 * <p>A reference is queued only after its handle became unreachable, so a broadcast whose handle
 * anything on the driver still holds is never removed. Only the handles the manager returned are
 * watched: a copy deserialized in the driver's own JVM (a task run in local mode) does not keep its
 * broadcast alive; keep the original while copies are in use. Thread-safe.
 */
final class BroadcastCleaner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BroadcastCleaner.class);

  /** A handle's weak reference, which remembers its broadcast's id after the handle is gone. */
  private static final class HandleRef extends WeakReference<Broadcast<?>> {
    final long id;

    HandleRef(Broadcast<?> handle, ReferenceQueue<Broadcast<?>> queue) {
      super(handle, queue);
      this.id = handle.id();
    }
  }

  private final ReferenceQueue<Broadcast<?>> queue = new ReferenceQueue<>();

  /** Keeps the references themselves reachable until their handle is collected. */
  private final Set<HandleRef> watched = ConcurrentHashMap.newKeySet();

  private final LongConsumer destroy;
  private final ScheduledExecutorService thread;
  private final AtomicLong cleaned = new AtomicLong();
  private final long gcEveryNanos;

  /** When the cleaner last asked for a GC; on its thread only. */
  private long lastGcNanos;

  /**
   * {@code destroy} removes a broadcast everywhere without waiting; called on the cleaner's thread.
   */
  BroadcastCleaner(Duration interval, Duration gcInterval, LongConsumer destroy) {
    this.destroy = destroy;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "swarmcast-cleaner");
              t.setDaemon(true);
              return t;
            });
    this.gcEveryNanos =
        gcInterval.compareTo(Duration.ofDays(365 * 1000L)) < 0
            ? gcInterval.toNanos()
            : Long.MAX_VALUE;
    this.lastGcNanos = System.nanoTime();
    long every = interval.toMillis();
    thread.scheduleWithFixedDelay(this::clean, every, every, TimeUnit.MILLISECONDS);
  }

  /** Watches a handle the manager returns. */
  void watch(Broadcast<?> handle) {
    watched.add(new HandleRef(handle, queue));
  }

  /** Handles watched now (their broadcasts not yet cleaned). */
  int watching() {
    return watched.size();
  }

  /** Broadcasts this cleaner removed since it started. */
  long cleaned() {
    return cleaned.get();
  }

  /**
   * Removes, in one batch, every broadcast whose handle the GC has collected since the last run.
   */
  void clean() {
    List<Long> ids = new ArrayList<>();
    try {
      // The GC clears the references at once, but they reach the queue from the JVM's
      // reference-handler thread.
      long wait = gcIfDue() ? 100 : 0;
      for (Reference<? extends Broadcast<?>> r = wait > 0 ? queue.remove(wait) : queue.poll();
          r != null;
          r = queue.poll()) {
        HandleRef ref = (HandleRef) r;
        if (watched.remove(ref)) {
          ids.add(ref.id);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // closing
    }
    for (long id : ids) {
      try {
        destroy.accept(id);
        cleaned.incrementAndGet();
      } catch (RuntimeException e) {
        LOG.warn("cleaner: removing Broadcast({}) failed: {}", id, e.toString());
      }
    }
    if (!ids.isEmpty()) {
      LOG.debug("cleaner removed {} broadcasts whose handles were dropped: {}", ids.size(), ids);
    }
  }

  /** Asks for a GC if one is due and any handle is watched; true if it did. */
  private boolean gcIfDue() {
    long now = System.nanoTime();
    if (watched.isEmpty() || now - lastGcNanos < gcEveryNanos) {
      return false;
    }
    lastGcNanos = now;
    System.gc(); // a hint; with -XX:+ExplicitGCInvokesConcurrent it does not stop the world
    return true;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
