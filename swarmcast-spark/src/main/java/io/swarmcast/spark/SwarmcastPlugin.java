package io.swarmcast.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Runs Swarmcast inside a Spark application: {@code --conf
 * spark.plugins=io.swarmcast.spark.SwarmcastPlugin}.
 *
 * <p>The driver side starts a Swarmcast driver node in the Spark driver (on {@code
 * spark.driver.host}, a free port) and hands its address to every executor through the map Spark
 * passes from {@code DriverPlugin.init} to {@code ExecutorPlugin.init}; the executor side starts an
 * executor node in each Spark executor that joins it, retrying while it cannot be reached (up to
 * {@code spark.swarmcast.executor.joinTimeout}). Executors that come later (dynamic allocation)
 * join the same way; executors that go close their node, and the driver's tracker forgets them. In
 * local mode the driver's node alone serves the tasks, which run in its JVM. Both sides stop their
 * node in {@code shutdown} and register its counters with Spark's metric system (see {@link
 * NodeMetrics}).
 *
 * <p>Settings: every {@code spark.swarmcast.X} is Swarmcast's {@code swarmcast.X}; an unknown one
 * fails start-up naming it. Written against the plugin API and Java types only, so one jar serves
 * Spark 3.5 and 4.x.
 */
public final class SwarmcastPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new SwarmcastDriverPlugin();
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new SwarmcastExecutorPlugin();
  }

  /**
   * Spark's settings as a Java map. {@code getAll()} returns {@code scala.Tuple2[]}, whose
   * accessors are the same in Scala 2.12 and 2.13, unlike Spark's Scala collections.
   */
  static Map<String, String> settings(SparkConf conf) {
    Map<String, String> map = new HashMap<>();
    for (scala.Tuple2<String, String> e : conf.getAll()) {
      map.put(e._1(), e._2());
    }
    return map;
  }
}
