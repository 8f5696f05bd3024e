package io.swarmcast.spark;

import io.swarmcast.broadcast.Broadcast;
import java.nio.file.Path;

/**
 * On an executor, the local copy of a file added with {@link SwarmcastSpark#addFile}: the
 * replacement for {@code SparkFiles.get(name)}.
 *
 * <pre>{@code
 * SwarmcastSpark.addFile(sc, "/models/resnet.onnx");                 // on the driver
 * rdd.mapPartitions(rows -> {
 *   Model m = Model.load(SwarmcastFiles.get("resnet.onnx"));        // on each executor
 *   ...
 * });
 * }</pre>
 *
 * <p>The first call for a name in an executor JVM fetches the file from the driver and the other
 * executors (pieces, checksummed, written at their offsets; the whole file's SHA-256 checked) into
 * {@code spark.swarmcast.storage.dir} (the JVM's temporary directory by default); later calls, and
 * concurrent ones, return the same read-only file. On the driver, and in local mode, it is the file
 * that was added. Thread-safe.
 */
public final class SwarmcastFiles {
  private SwarmcastFiles() {}

  /**
   * The absolute path of the file added as {@code name} (its file name when added).
   *
   * @throws IllegalArgumentException if no file of that name was added (the message lists those
   *     that were)
   * @throws IllegalStateException if the plugin runs no node in this JVM
   */
  public static String get(String name) {
    Broadcast<Path> added = SharedFiles.addedHere(name);
    if (added != null) {
      return added
          .value()
          .toAbsolutePath()
          .toString(); // the driver, or local mode: the file itself
    }
    try {
      return SharedFiles.fetch(name).toAbsolutePath().toString();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot fetch file " + name + ": " + e.getMessage(), e);
    }
  }
}
