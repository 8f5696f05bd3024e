package io.swarmcast.node;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one per-JVM registry in Swarmcast: which node in this JVM belongs to which driver.
 *
 * <p>It exists for a single reason. A broadcast handle is shipped to executors by the application's
 * own channel and deserialized there by code that knows nothing of Swarmcast, so the handle cannot be
 * given its node; on first {@code value()} it looks up the node of its driver here. Nodes register
 * when they start and unregister when they close. Everything else in Swarmcast receives its
 * collaborators through constructors.
 *
 * <p>A JVM may run a driver and one executor of that driver (tests do); handles then bind to the
 * executor, which fetches like any other, while the driver's own handles keep their node. Thread-safe.
 */
public final class NodeRegistry {
  private static final Map<Endpoint, SwarmNode> DRIVERS = new ConcurrentHashMap<>();
  private static final Map<Endpoint, SwarmNode> EXECUTORS = new ConcurrentHashMap<>();

  private NodeRegistry() {}

  static void register(SwarmNode node) {
    Map<Endpoint, SwarmNode> nodes = node.isDriver() ? DRIVERS : EXECUTORS;
    SwarmNode previous = nodes.putIfAbsent(node.driverEndpoint(), node);
    if (previous != null) {
      throw new IllegalStateException("this JVM already runs " + (node.isDriver() ? "the driver " : "an executor of driver ")
          + node.driverEndpoint() + "; one per JVM");
    }
  }

  static void unregister(SwarmNode node) {
    (node.isDriver() ? DRIVERS : EXECUTORS).remove(node.driverEndpoint(), node);
  }

  /** The node of {@code driver} in this JVM, or a {@link NodeException} saying how to start one. */
  public static SwarmNode lookup(Endpoint driver) {
    SwarmNode node = EXECUTORS.get(driver);
    if (node == null) {
      node = DRIVERS.get(driver);
    }
    if (node == null) {
      throw new NodeException("no Swarmcast node of driver " + driver + " runs in this JVM; start one with "
          + "new BroadcastManager(false, conf, security) where conf names that driver");
    }
    return node;
  }
}
