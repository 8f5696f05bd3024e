package io.swarmcast.transport;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.Channel;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cap on connections one node has accepted ({@code swarmcast.network.maxConnections}). A
 * connection is counted from the moment it is accepted, handshake or not, and released when it
 * closes; one beyond the cap is closed before anything is read from it, with a warning logged at
 * most every 10 s. Connections the node opens itself are not counted: strangers cannot use up a
 * node's ability to reach its driver or its peers. Thread-safe.
 */
final class ConnectionLimit {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  ConnectionLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max < 1: " + max);
    }
    this.max = max;
    long files = openFileLimit();
    if (files > 0 && files < max) {
      LOG.warn(
          "swarmcast.network.maxConnections is {} but this process may open only {} files: past about {} connections "
              + "accepts will fail; raise the limit (ulimit -n) or lower the key",
          max,
          files,
          files);
    }
  }

  /**
   * The process's limit on open files (the JVM raises its soft limit to the hard one); -1 where
   * unknown.
   */
  static long openFileLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  /**
   * Counts {@code ch} and returns true if it is within the cap, and releases it when it closes;
   * otherwise closes it at once and returns false.
   */
  boolean admit(Channel ch) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refusals.warn(
          "closing {} at once: this node has {} connections open, the most swarmcast.network.maxConnections allows",
          ch.remoteAddress(),
          max);
      ch.close();
      return false;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    return true;
  }

  /** Connections counted now. */
  int open() {
    return open.get();
  }
}
