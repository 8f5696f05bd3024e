package io.swarmcast.broadcast;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.nio.file.Path;

/**
 * One way of delivering broadcasts; {@link BroadcastManager} uses the one named by {@code
 * swarmcast.broadcast.factory}. Implementations need a public no-argument constructor and must be
 * thread-safe after {@link #initialize}.
 *
 * <p>As in Spark, {@code initialize} receives the role, the configuration and the security
 * settings. The built-in factories also work with this process's node (block manager, transport,
 * tracker), which {@link BroadcastManager} hands them itself; the node is not public API, so a
 * factory of your own delivers by its own means (a shared file system, an object store) and returns
 * its own {@link Broadcast} subclass.
 */
public interface BroadcastFactory {
  /**
   * Called once, before any other method, on the driver ({@code isDriver}) or an executor.
   *
   * @throws io.swarmcast.conf.ConfigException if {@code conf} is not valid for this factory
   */
  void initialize(boolean isDriver, SwarmConf conf, SecurityManager security);

  /**
   * Creates a broadcast of {@code value} with the given id.
   *
   * @param isLocal whether driver and executors share this JVM, so nothing needs to cross the
   *     network
   */
  <T> Broadcast<T> newBroadcast(T value, boolean isLocal, long id);

  /**
   * Broadcasts the file at {@code file} with the given id: on executors, {@code value()} is a
   * local, read-only copy. The driver serves the file itself, which must not change while it is
   * broadcast.
   *
   * @throws UnsupportedOperationException if this factory cannot broadcast files (the default)
   */
  default Broadcast<Path> newFileBroadcast(Path file, long id) {
    throw new UnsupportedOperationException(getClass().getName() + " cannot broadcast files");
  }

  /**
   * Removes a broadcast's blocks from the executors and, if {@code removeFromDriver}, the driver.
   */
  void unbroadcast(long id, boolean removeFromDriver, boolean blocking);

  /** Releases what the factory holds; called once, by {@link BroadcastManager#stop()}. */
  void stop();
}
