package io.swarmcast.spark;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.node.SwarmNode;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Broadcasts through Swarmcast from a Spark driver: the replacement for {@code sc.broadcast(value)}.
 *
 * <pre>{@code
 * Broadcast<Map<String, Integer>> table = SwarmcastSpark.broadcast(sc, lookupTable);
 * rdd.map(key -> table.value().get(key));   // value() on the executor: fetched once per executor JVM
 * table.destroy();                           // when no task needs it any more
 * }</pre>
 *
 * <p>The returned handle is small and {@link java.io.Serializable}: tasks capture it in their
 * closures, and on an executor {@code value()} fetches the value from the driver and the other
 * executors (pieces, checksummed, rarest first) once per executor JVM, later reads returning the
 * same object. {@code unpersist} and {@code destroy} behave as in Swarmcast's core. Needs
 * {@link SwarmcastPlugin} in {@code spark.plugins}. Thread-safe.
 */
public final class SwarmcastSpark {
  private SwarmcastSpark() {}

  /** Broadcasts {@code value} to every executor of {@code sc}'s application. */
  public static <T> Broadcast<T> broadcast(SparkContext sc, T value) {
    Objects.requireNonNull(sc, "sc");
    if (sc.isStopped()) {
      throw new IllegalStateException("the SparkContext is stopped");
    }
    BroadcastManager m = LocalNode.get();
    if (m == null || !m.isDriver()) {
      throw new IllegalStateException("Swarmcast is not running in this Spark driver: start the application with --conf "
          + "spark.plugins=" + SwarmcastPlugin.class.getName() + " and the swarmcast-spark jar in --jars");
    }
    return m.newBroadcast(value, false);
  }

  /** Broadcasts {@code value} to every executor of {@code jsc}'s application. */
  public static <T> Broadcast<T> broadcast(JavaSparkContext jsc, T value) {
    return broadcast(Objects.requireNonNull(jsc, "jsc").sc(), value);
  }

  /**
   * The Swarmcast node the plugin runs in this JVM — the driver's in the driver (and in local mode),
   * the executor's in an executor — for its address and transfer counters
   * ({@code localNode().stats()}).
   *
   * @throws IllegalStateException if the plugin runs no node in this JVM
   */
  public static SwarmNode localNode() {
    BroadcastManager m = LocalNode.get();
    if (m == null) {
      throw new IllegalStateException("no Swarmcast node runs in this JVM (is " + SwarmcastPlugin.class.getName()
          + " in spark.plugins?)");
    }
    return m.node();
  }
}
