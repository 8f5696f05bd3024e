package io.swarmcast.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one per-JVM registry in Swarmcast: which node in this JVM belongs to which driver.
 *
 * <p>It exists for a single reason. A broadcast handle is shipped to executors by the application's
 * own channel and deserialized there by code that knows nothing of Swarmcast, so the handle cannot
 * be given its node; on first {@code value()} it looks up the node of its driver here. Drivers are
 * known by their incarnation, a random 64-bit value each driver picks when it starts and every
 * handle and every executor's registration carries: so {@code localhost}, {@code 127.0.0.1} and a
 * DNS name all find the same node, and a handle of a driver that has since restarted at the same
 * address finds none (and says so) instead of the new driver's broadcasts. Nodes register when they
 * start (an executor again each time it joins a driver) and unregister when they close. Everything
 * else in Swarmcast receives its collaborators through constructors.
 *
 * <p>A JVM may run a driver and one executor of that driver (tests do); handles then bind to the
 * executor, which fetches like any other, while the driver's own handles keep their node. A node's
 * warm-up also runs private executors ({@link ExecutorNode#startPrivate}), which are not registered
 * here and which only its own handles, bound to them explicitly, use. Thread-safe.
 */
public final class NodeRegistry {
  private static final Map<Long, SwarmNode> DRIVERS = new ConcurrentHashMap<>();
  private static final Map<Long, SwarmNode> EXECUTORS = new ConcurrentHashMap<>();

  private NodeRegistry() {}

  /** Registers {@code node} under the incarnation of its driver. */
  static void register(SwarmNode node, long driverIncarnation) {
    Map<Long, SwarmNode> nodes = node.isDriver() ? DRIVERS : EXECUTORS;
    SwarmNode previous = nodes.putIfAbsent(driverIncarnation, node);
    if (previous != null && previous != node) {
      throw new IllegalStateException(
          "this JVM already runs "
              + (node.isDriver() ? "the driver " : "an executor of driver ")
              + node.driverEndpoint()
              + "; one per JVM");
    }
  }

  /** Forgets {@code node} under {@code driverIncarnation}, if registered there. */
  static void unregister(SwarmNode node, long driverIncarnation) {
    (node.isDriver() ? DRIVERS : EXECUTORS).remove(driverIncarnation, node);
  }

  /**
   * The node of the driver incarnation {@code driverIncarnation} in this JVM, or an exception
   * saying why there is none; {@code driver} is the address the handle names, for the message.
   */
  public static SwarmNode lookup(long driverIncarnation, Endpoint driver) {
    SwarmNode node = EXECUTORS.get(driverIncarnation);
    if (node == null) {
      node = DRIVERS.get(driverIncarnation);
    }
    if (node != null) {
      return node;
    }
    for (SwarmNode other : EXECUTORS.values()) {
      if (other.driverEndpoint().port() == driver.port()) {
        throw new NodeException(
            "the driver "
                + driver
                + " that made this handle (incarnation "
                + Long.toHexString(driverIncarnation)
                + ") is gone: this JVM's executor now belongs to driver incarnation "
                + Long.toHexString(other.driverIncarnation())
                + ", and broadcasts do not outlive a driver restart");
      }
    }
    throw new NodeException(
        "no Swarmcast node of driver "
            + driver
            + " (incarnation "
            + Long.toHexString(driverIncarnation)
            + ") runs in this JVM; start one with new BroadcastManager(false, conf, security) where conf names that driver");
  }
}
