package io.swarmcast.broadcast;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.security.SecurityManager;
import java.nio.file.Path;

/**
 * One way of delivering broadcasts; {@link BroadcastManager} uses the one named by {@code
 * swarmcast.broadcast.factory}. Implementations need a public no-argument constructor and must be
 * thread-safe after {@link #initialize}.
 *
 * <p>Unlike Spark's, {@code initialize} also receives the node (block manager, transport, tracker)
 * to work with, instead of looking it up in a global environment.
 */
public interface BroadcastFactory {
  void initialize(boolean isDriver, SwarmConf conf, SecurityManager security, SwarmNode node);

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

  void stop();
}
