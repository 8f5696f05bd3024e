package io.swarmcast.transport;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that a stranger can provoke at will, logged at most once per interval: the line says
 * how many more happened since the last one. Without it, a client opening thousands of connections
 * would fill the node's log as fast as it fills its sockets. Thread-safe.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final AtomicLong nextNanos = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  RateLimitedLog(Logger log, Duration interval) {
    this.log = log;
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Logs {@code format} with {@code args} as a warning, unless a line went out within the interval.
   */
  void warn(String format, Object... args) {
    long now = System.nanoTime();
    long next = nextNanos.get();
    if ((next != Long.MIN_VALUE && now - next < 0)
        || !nextNanos.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return;
    }
    long more = suppressed.getAndSet(0);
    if (more > 0) {
      log.warn(format + " (and {} more since the last such line)", append(args, more));
    } else {
      log.warn(format, args);
    }
  }

  private static Object[] append(Object[] args, Object last) {
    Object[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
  }
}
