package io.swarmcast.spark.internal;

import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.spark.SwarmcastSpark;

/**
 * The node the plugin runs in this JVM, with its internal counters (per broadcast, from the driver
 * and from peers): for this project's Spark benchmark and tests. Not API: applications use {@link
 * SwarmcastSpark#localManager()}.
 */
public final class SparkInternals {
  private SparkInternals() {}

  /**
   * This JVM's node.
   *
   * @throws IllegalStateException if the plugin runs no node in this JVM
   */
  public static SwarmNode localNode() {
    return BroadcastInternals.node(SwarmcastSpark.localManager());
  }
}
