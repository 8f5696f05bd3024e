package io.swarmcast.broadcast.internal;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.node.SwarmNode;

/**
 * How this project's own tools (the CLI, the Spark plugin, the benchmarks) reach what the public
 * API keeps to itself: the node a {@link BroadcastManager} started, and a broadcast's piece count
 * and serialized size. This package is not exported by the module.
 *
 * <p>The same device as the JDK's {@code SharedSecrets}: {@code BroadcastManager}'s static
 * initializer installs a {@link Reader} once, and the reader uses package-private access.
 */
public final class BroadcastInternals {
  /** What {@code BroadcastManager} installs. */
  public interface Reader {
    SwarmNode node(BroadcastManager manager);

    /** Pieces the broadcast was cut into; 0 for a broadcast of another factory. */
    int pieceCount(Broadcast<?> broadcast);

    /** Bytes of the serialized (and compressed) value; -1 for a broadcast of another factory. */
    long serializedBytes(Broadcast<?> broadcast);
  }

  private static volatile Reader reader;

  private BroadcastInternals() {}

  /** Called once, by {@code BroadcastManager}'s static initializer. */
  public static synchronized void install(Reader r) {
    if (reader != null) {
      throw new IllegalStateException("BroadcastInternals are installed already");
    }
    reader = r;
  }

  /** The node {@code manager} started: its endpoint, block manager and (on a driver) tracker. */
  public static SwarmNode node(BroadcastManager manager) {
    return reader().node(manager);
  }

  public static int pieceCount(Broadcast<?> broadcast) {
    return reader().pieceCount(broadcast);
  }

  public static long serializedBytes(Broadcast<?> broadcast) {
    return reader().serializedBytes(broadcast);
  }

  private static Reader reader() {
    Reader r = reader;
    if (r == null) { // a handle was deserialized before any BroadcastManager was made here
      try {
        Class.forName(
            BroadcastManager.class.getName(), true, BroadcastManager.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      r = reader;
    }
    return r;
  }
}
