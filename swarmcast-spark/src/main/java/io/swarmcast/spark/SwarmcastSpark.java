package io.swarmcast.spark;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastException;
import io.swarmcast.broadcast.BroadcastManager;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Broadcasts through Swarmcast from a Spark driver: the replacement for {@code
 * sc.broadcast(value)}.
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
 * same object. {@code unpersist} and {@code destroy} behave as in Swarmcast's core. Needs {@link
 * SwarmcastPlugin} in {@code spark.plugins}. Thread-safe.
 */
public final class SwarmcastSpark {
  private SwarmcastSpark() {}

  /** Broadcasts {@code value} to every executor of {@code sc}'s application. */
  public static <T> Broadcast<T> broadcast(SparkContext sc, T value) {
    return driverManager(sc).newBroadcast(value, false);
  }

  /** Broadcasts {@code value} to every executor of {@code jsc}'s application. */
  public static <T> Broadcast<T> broadcast(JavaSparkContext jsc, T value) {
    return broadcast(Objects.requireNonNull(jsc, "jsc").sc(), value);
  }

  /**
   * Sends a file to every executor of {@code sc}'s application, peer to peer: the replacement for
   * {@code sc.addFile(path)}, whose executors each fetch the whole file from the driver. Executors
   * read it with {@link SwarmcastFiles#get(String)} under its file name. The driver checksums the
   * file once here (CRC32C per piece, SHA-256 of the whole) and serves it from where it is: it must
   * not change while the application runs. Returns the file's name.
   *
   * @throws IllegalArgumentException if a file of the same name was already added, or {@code path}
   *     is not a readable regular file
   */
  public static String addFile(SparkContext sc, String path) {
    BroadcastManager m = driverManager(sc);
    Path file = Path.of(Objects.requireNonNull(path, "path")).toAbsolutePath();
    String name = file.getFileName().toString();
    Broadcast<Path> handle;
    try {
      handle = m.broadcastFile(file);
    } catch (BroadcastException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    SharedFiles.added(name, handle, file);
    return name;
  }

  /** As {@link #addFile(SparkContext, String)}. */
  public static String addFile(JavaSparkContext jsc, String path) {
    return addFile(Objects.requireNonNull(jsc, "jsc").sc(), path);
  }

  private static BroadcastManager driverManager(SparkContext sc) {
    Objects.requireNonNull(sc, "sc");
    if (sc.isStopped()) {
      throw new IllegalStateException("the SparkContext is stopped");
    }
    BroadcastManager m = LocalNode.get();
    if (m == null || !m.isDriver()) {
      throw new IllegalStateException(
          "Swarmcast is not running in this Spark driver: start the application with --conf "
              + "spark.plugins="
              + SwarmcastPlugin.class.getName()
              + " and the swarmcast-spark jar in --jars");
    }
    return m;
  }

  /**
   * The Swarmcast node the plugin runs in this JVM, as its {@link BroadcastManager}: the driver's
   * in the driver (and in local mode), the executor's in an executor. For its address ({@code
   * address()}) and its metrics ({@code metrics()}, the counters Spark's metric system shows).
   *
   * @throws IllegalStateException if the plugin runs no node in this JVM
   */
  public static BroadcastManager localManager() {
    BroadcastManager m = LocalNode.get();
    if (m == null) {
      throw new IllegalStateException(
          "no Swarmcast node runs in this JVM (is "
              + SwarmcastPlugin.class.getName()
              + " in spark.plugins?)");
    }
    return m;
  }
}
