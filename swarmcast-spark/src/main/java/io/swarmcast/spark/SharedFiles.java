package io.swarmcast.spark;

import io.swarmcast.broadcast.Broadcast;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.plugin.PluginContext;

/**
 * The files of {@link SwarmcastSpark#addFile}, by name, in this JVM. On the driver: each name's
 * broadcast handle, held here so the cleaner never removes it while the application runs. On an
 * executor: where each file it fetched is, and the plugin's {@link PluginContext}, through which it
 * asks the driver's plugin for a handle by name ({@link FileRequest}, answered with the serialized
 * handle: Spark's own plugin RPC, as Spark's executors ask its driver for a file). One per JVM for
 * the same reason as {@link LocalNode}. Thread-safe.
 */
final class SharedFiles {
  /**
   * An executor's question to the driver's plugin: the handle of the file added under {@code name}.
   */
  record FileRequest(String name) implements Serializable {}

  /** What an answer may contain: a file broadcast's handle and nothing else. */
  private static final ObjectInputFilter HANDLE_FILTER =
      ObjectInputFilter.Config.createFilter(
          "maxbytes=16777216;maxdepth=8;maxrefs=64;" + Broadcast.HANDLE_CLASSES + ";!*");

  private static final Map<String, Broadcast<Path>> ADDED = new ConcurrentHashMap<>();
  private static final Map<String, Path> FETCHED = new ConcurrentHashMap<>();
  private static volatile PluginContext executorContext;

  private SharedFiles() {}

  /**
   * On the driver: records a file under its name; an error if another file already has that name.
   */
  static void added(String name, Broadcast<Path> handle, Path source) {
    Broadcast<Path> before = ADDED.putIfAbsent(name, handle);
    if (before != null) {
      handle.destroy();
      throw new IllegalArgumentException(
          "a file named "
              + name
              + " was already added ("
              + before.value()
              + "); "
              + source
              + " cannot be added under the same name");
    }
  }

  /**
   * On the driver: the serialized handle of the file added as {@code name}, for an executor's
   * request.
   */
  static byte[] answer(FileRequest request) {
    Broadcast<Path> handle = ADDED.get(request.name());
    if (handle == null) {
      throw new IllegalArgumentException(
          "no file named "
              + request.name()
              + " was added with SwarmcastSpark.addFile; added: "
              + new TreeMap<>(ADDED).keySet());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(handle);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** On the driver (and in local mode): the file added as {@code name}, or null. */
  static Broadcast<Path> addedHere(String name) {
    return ADDED.get(name);
  }

  static void executorStarted(PluginContext ctx) {
    executorContext = ctx;
  }

  /** On an executor: the local copy of {@code name}, fetched (once per JVM) on first use. */
  static Path fetch(String name) throws Exception {
    Path done = FETCHED.get(name);
    if (done != null) {
      return done;
    }
    PluginContext ctx = executorContext;
    if (ctx == null) {
      throw new IllegalStateException(
          "Swarmcast's plugin runs no executor node in this JVM (is "
              + SwarmcastPlugin.class.getName()
              + " in spark.plugins?)");
    }
    Object answer = ctx.ask(new FileRequest(name));
    if (!(answer instanceof byte[] serialized)) {
      throw new IllegalStateException(
          "the driver's plugin answered " + answer + " for file " + name);
    }
    Broadcast<?> handle;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
      in.setObjectInputFilter(HANDLE_FILTER);
      handle = (Broadcast<?>) in.readObject();
    }
    Path local = (Path) handle.value(); // concurrent callers join the node's one fetch
    FETCHED.putIfAbsent(name, local);
    return local;
  }

  /** Forgets everything: the application ended. */
  static void clear() {
    ADDED.clear();
    FETCHED.clear();
    executorContext = null;
  }
}
