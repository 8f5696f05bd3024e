package io.swarmcast.broadcast;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.security.SecurityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A driver and {@code n} executors in this JVM, over real sockets: the executors private nodes (see
 * {@link ExecutorNode#startPrivate}), so that several can join one driver; all added to {@code
 * nodes}, which closes them.
 */
record PrivateSwarm(BroadcastManager driver, List<ExecutorNode> executors) {
  static PrivateSwarm start(
      SwarmConf conf, int n, WarmUp.PrivateNodes nodes, SecurityManager security) throws Exception {
    BroadcastManager driver = new BroadcastManager(true, conf, security);
    nodes.add(driver::stop);
    SwarmConf executorConf =
        conf.copy().set(SwarmConf.DRIVER_PORT, Integer.toString(driver.node().endpoint().port()));
    List<ExecutorNode> executors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ExecutorNode e = ExecutorNode.startPrivate(executorConf, security);
      nodes.add(e);
      executors.add(e);
    }
    driver.awaitExecutors(n, Duration.ofSeconds(10));
    return new PrivateSwarm(driver, List.copyOf(executors));
  }
}
