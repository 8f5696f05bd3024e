package io.swarmcast.spark;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of {@link SwarmcastPlugin}: one Swarmcast executor node per Spark executor,
 * joined to the driver node whose address the driver side returned. Called by Spark's plugin
 * container.
 */
final class SwarmcastExecutorPlugin implements ExecutorPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmcastExecutorPlugin.class);

  /** Spark's executor id for the driver, which is also the executor in local mode. */
  private static final String DRIVER_ID = "driver";

  private volatile BroadcastManager manager;

  @Override
  public void init(PluginContext ctx, Map<String, String> extraConf) {
    if (DRIVER_ID.equals(ctx.executorID())) {
      // Local mode: tasks run in the driver's JVM, where the driver's node holds every piece
      // already. A second node here would fetch over loopback what is in this very process.
      LOG.info(
          "Spark runs in local mode: tasks read broadcasts from the Swarmcast driver node in this JVM");
      return;
    }
    SwarmConf conf =
        SparkSettings.executor(SwarmcastPlugin.settings(ctx.conf()), extraConf, hostname(ctx));
    // Blocks until joined: a task must not find the node unjoined. The driver node started before
    // any executor was asked for, so this normally takes one round trip; it retries up to
    // joinTimeout.
    BroadcastManager m = new BroadcastManager(false, conf, new SecurityManager(conf));
    try {
      LocalNode.started(m);
      NodeMetrics.register(ctx.metricRegistry(), BroadcastInternals.node(m).stats());
    } catch (RuntimeException e) {
      LocalNode.stop(m);
      throw e;
    }
    manager = m;
    SharedFiles.executorStarted(ctx);
    LOG.info(
        "Swarmcast executor node of Spark executor {} on {} joined driver {}; {}",
        ctx.executorID(),
        BroadcastInternals.node(m).endpoint(),
        BroadcastInternals.node(m).driverEndpoint(),
        Transport.describe(conf));
  }

  /**
   * The host Spark knows this executor by. {@code PluginContext.hostname()} throws on executors of
   * Spark 3.5 (it reads the address of the executor's RPC environment, which runs in client mode
   * and has none), so the block manager's id, where Spark's own block transfers reach this
   * executor, is the fallback. Null if neither is known: then only an explicit
   * spark.swarmcast.executor.host helps.
   */
  private static String hostname(PluginContext ctx) {
    try {
      return ctx.hostname();
    } catch (RuntimeException e) {
      LOG.debug("PluginContext.hostname() failed; asking the block manager", e);
    }
    try {
      return SparkEnv.get().blockManager().blockManagerId().host();
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot tell this executor's host from Spark ({}); set spark.swarmcast.executor.host",
          e.toString());
      return null;
    }
  }

  @Override
  public void shutdown() {
    BroadcastManager m = manager;
    if (m != null) {
      manager = null;
      SharedFiles.clear();
      LocalNode.stop(m);
    }
  }
}
