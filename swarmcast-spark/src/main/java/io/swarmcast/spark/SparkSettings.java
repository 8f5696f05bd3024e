package io.swarmcast.spark;

import io.swarmcast.conf.ConfKey;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns Spark settings into a {@link SwarmConf}: {@code spark.swarmcast.X} becomes {@code
 * swarmcast.X} (Spark passes only {@code spark.*} settings from {@code --conf} to its JVMs, so the
 * prefix is required), and what Spark already knows fills in the addresses the user did not set.
 *
 * <p>An unknown {@code spark.swarmcast.*} key or a bad value throws {@link ConfigException} naming
 * the Spark key, so a typo stops the application at start-up instead of silently using a default.
 * Works on plain maps so that it is tested without Spark. Stateless.
 */
final class SparkSettings {
  static final String PREFIX = "spark.swarmcast.";

  /** The keys the driver hands to every executor through Spark (DriverPlugin.init's map). */
  /**
   * The plugin's default for {@code swarmcast.node.warmUpBytes} (the library's is 0): a Spark
   * executor starts once and then serves tasks, so compiling a broadcast's code while it starts
   * (about 0.4 CPU-s) keeps that cost out of the application's first broadcast. Pre-touching piece
   * memory stays off: direct memory counts against {@code spark.executor.memoryOverhead}.
   */
  static final String WARM_UP = "8m";

  static final String DRIVER_HOST = SwarmConf.DRIVER_HOST.name();
  static final String DRIVER_PORT = SwarmConf.DRIVER_PORT.name();

  private SparkSettings() {}

  /**
   * The driver node's settings. Unless set explicitly, it advertises {@code spark.driver.host} (the
   * address executors already reach the driver at) and listens on {@code spark.driver.bindAddress}
   * when that is set; the port is picked free.
   */
  static SwarmConf driver(Map<String, String> sparkConf) {
    SwarmConf conf = fromSpark(sparkConf);
    Set<String> explicit = explicitKeys(sparkConf);
    String host = sparkConf.get("spark.driver.host");
    if (!explicit.contains(DRIVER_HOST) && host != null && !host.isBlank()) {
      conf.set(SwarmConf.DRIVER_HOST, host);
    }
    String bind = sparkConf.get("spark.driver.bindAddress");
    if (!explicit.contains(SwarmConf.DRIVER_BIND_HOST.name()) && bind != null && !bind.isBlank()) {
      conf.set(SwarmConf.DRIVER_BIND_HOST, bind);
    }
    return conf;
  }

  /**
   * An executor node's settings: the driver's address from {@code fromDriver} (what the driver's
   * plugin returned), and, unless set explicitly, the executor's host as Spark knows it ({@code
   * hostname}), so peers reach it where Spark's own block transfers do.
   */
  static SwarmConf executor(
      Map<String, String> sparkConf, Map<String, String> fromDriver, String hostname) {
    SwarmConf conf = fromSpark(sparkConf);
    String host = fromDriver.get(DRIVER_HOST);
    String port = fromDriver.get(DRIVER_PORT);
    if (host == null || port == null) {
      throw new ConfigException(
          "the Swarmcast driver plugin did not pass its address (got "
              + fromDriver
              + "); is "
              + SwarmcastPlugin.class.getName()
              + " in spark.plugins on the driver too?");
    }
    conf.set(SwarmConf.DRIVER_HOST, host).set(SwarmConf.DRIVER_PORT, port);
    if (!explicitKeys(sparkConf).contains(SwarmConf.EXECUTOR_HOST.name())
        && hostname != null
        && !hostname.isBlank()) {
      conf.set(SwarmConf.EXECUTOR_HOST, hostname);
    }
    return conf;
  }

  /**
   * Every {@code spark.swarmcast.*} setting as its {@code swarmcast.*} key; throws on unknown keys
   * and bad values.
   */
  static SwarmConf fromSpark(Map<String, String> sparkConf) {
    SwarmConf conf = new SwarmConf().set(SwarmConf.NODE_WARM_UP_BYTES, WARM_UP);
    Set<String> known = SwarmConf.keys().stream().map(ConfKey::name).collect(Collectors.toSet());
    for (Map.Entry<String, String> e : new TreeMap<>(sparkConf).entrySet()) {
      if (!e.getKey().startsWith(PREFIX)) {
        continue;
      }
      String name = swarmName(e.getKey());
      if (!known.contains(name)) {
        throw new ConfigException(
            "unknown Spark setting '"
                + e.getKey()
                + "': Swarmcast has no key "
                + name
                + "; known: "
                + knownSparkKeys());
      }
      try {
        conf.set(name, e.getValue());
      } catch (ConfigException bad) {
        throw new ConfigException(e.getKey() + ": " + bad.getMessage());
      }
    }
    return conf;
  }

  private static Set<String> explicitKeys(Map<String, String> sparkConf) {
    return sparkConf.keySet().stream()
        .filter(k -> k.startsWith(PREFIX))
        .map(SparkSettings::swarmName)
        .collect(Collectors.toSet());
  }

  private static String swarmName(String sparkKey) {
    return sparkKey.substring("spark.".length());
  }

  private static Set<String> knownSparkKeys() {
    return SwarmConf.keys().stream()
        .map(k -> "spark." + k.name())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
