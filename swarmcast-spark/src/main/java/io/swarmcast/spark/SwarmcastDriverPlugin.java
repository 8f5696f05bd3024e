package io.swarmcast.spark;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.Endpoint;
import io.swarmcast.security.SecurityManager;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver side of {@link SwarmcastPlugin}: one Swarmcast driver node per Spark driver. Called by
 * Spark's plugin container.
 */
final class SwarmcastDriverPlugin implements DriverPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmcastDriverPlugin.class);

  private volatile BroadcastManager manager;

  @Override
  public Map<String, String> init(SparkContext sc, PluginContext ctx) {
    SwarmConf conf = SparkSettings.driver(SwarmcastPlugin.settings(ctx.conf()));
    BroadcastManager m = new BroadcastManager(true, conf, new SecurityManager(conf));
    try {
      LocalNode.started(m);
    } catch (RuntimeException e) {
      m.stop();
      throw e;
    }
    manager = m;
    Endpoint at = BroadcastInternals.node(m).endpoint();
    LOG.info("Swarmcast driver node listening on {}; {}", at, Transport.describe(conf));
    // What every executor's plugin receives: where to join.
    return Map.of(
        SparkSettings.DRIVER_HOST,
        at.host(),
        SparkSettings.DRIVER_PORT,
        Integer.toString(at.port()));
  }

  /**
   * An executor asks for a file added with {@link SwarmcastSpark#addFile}: its handle, serialized.
   */
  @Override
  public Object receive(Object message) {
    if (message instanceof SharedFiles.FileRequest request) {
      return SharedFiles.answer(request);
    }
    throw new IllegalArgumentException(
        "Swarmcast's driver plugin takes file requests, not " + message);
  }

  @Override
  public void registerMetrics(String appId, PluginContext ctx) {
    BroadcastManager m = manager;
    if (m != null) {
      NodeMetrics.register(ctx.metricRegistry(), BroadcastInternals.node(m).stats());
    }
  }

  @Override
  public void shutdown() {
    BroadcastManager m = manager;
    if (m != null) {
      manager = null;
      SharedFiles.clear();
      LocalNode.stop(m);
      LOG.info("Swarmcast driver node stopped");
    }
  }
}
