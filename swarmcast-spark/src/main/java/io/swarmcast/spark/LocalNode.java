package io.swarmcast.spark;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;

/**
 * The Swarmcast node the plugin started in this JVM, for {@link SwarmcastSpark}: Spark hands its
 * plugins no way to reach application code, and there is one SparkContext (and one executor) per
 * JVM, so one slot is enough. In local mode only the driver's node runs, and tasks read from it.
 * Thread-safe.
 */
final class LocalNode {
  private static volatile BroadcastManager manager;

  private LocalNode() {}

  static synchronized void started(BroadcastManager m) {
    if (manager != null) {
      throw new IllegalStateException(
          "a Swarmcast node already runs in this JVM: "
              + BroadcastInternals.node(manager).endpoint());
    }
    manager = m;
  }

  /** Forgets {@code m} as this JVM's node and stops it: both plugins' shutdown. */
  static void stop(BroadcastManager m) {
    synchronized (LocalNode.class) {
      if (manager == m) {
        manager = null;
      }
    }
    m.stop(); // outside the lock: stopping closes sockets and waits for event loops
  }

  /** This JVM's node, or null if the plugin did not start one. */
  static BroadcastManager get() {
    return manager;
  }
}
