package io.swarmcast.cli;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.SwarmNode;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/**
 * {@code --ui-port} of {@code driver}, {@code executor} and {@code send}: the node's HTTP server,
 * with Prometheus metrics at {@code /metrics} and, on a driver, the live swarm page at {@code /}.
 */
final class UiOptions {
  @Option(
      names = "--ui-port",
      paramLabel = "[HOST:]PORT",
      description =
          "Serve metrics (/metrics) and, on a driver, the live swarm page (/) over HTTP on this port "
              + "(0: any free port). Loopback only unless HOST is given, e.g. 0.0.0.0:4040: it has no authentication.")
  String uiPort;

  /** Sets {@code swarmcast.ui.port} (and {@code bindHost}) if {@code --ui-port} was given. */
  SwarmConf apply(SwarmConf conf) {
    if (uiPort != null) {
      int colon = uiPort.lastIndexOf(':');
      String port = colon < 0 ? uiPort : uiPort.substring(colon + 1);
      if (colon > 0) {
        conf.set(SwarmConf.UI_BIND_HOST, uiPort.substring(0, colon));
      }
      try {
        conf.set(SwarmConf.UI_PORT, Integer.toString(Integer.parseInt(port.trim())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--ui-port: '" + uiPort + "' is not [HOST:]PORT");
      }
    }
    return conf;
  }

  /** Says where the node's pages are, if it serves any. */
  static void announce(SwarmNode node, PrintStream err) {
    int port = node.uiPort();
    if (port >= 0) {
      String host = node.conf().get(SwarmConf.UI_BIND_HOST);
      String shown = host.equals("0.0.0.0") || host.equals("::") ? node.endpoint().host() : host;
      err.printf(
          "%s at http://%s:%d/%s%n",
          node.isDriver() ? "swarm page" : "metrics",
          shown.contains(":") ? "[" + shown + "]" : shown,
          port,
          node.isDriver() ? " (metrics at /metrics)" : "metrics");
    }
  }
}
