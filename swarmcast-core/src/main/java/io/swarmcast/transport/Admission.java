package io.swarmcast.transport;

/**
 * The accepting node's say in a handshake: the transport checks the protocol version and gates the
 * connection, and asks the node whether to admit who is connecting. Called once per connection, on
 * its event-loop thread, before anything else from that connection is handled: implementations must
 * not block.
 *
 * <p>With a shared secret, only members of the cluster reach admission (the transport checks their
 * proofs first, see {@link HandshakeHandler}); but an executor id in {@code Hello} is still what
 * the member states it is. Admit only what the node can check itself.
 */
public interface Admission {
  /**
   * An executor serving pieces on {@code host:port} asks to join (a driver's connection). Returns
   * the id it is given; throws to refuse, with the reason it is told.
   */
  int admitExecutor(Connection from, String host, int port) throws HandshakeException;

  /** Another executor, claiming id {@code nodeId}, opens a peer connection; throws to refuse. */
  void admitPeer(Connection from, int nodeId) throws HandshakeException;

  /**
   * The incarnation of the driver this node belongs to: sent to registering executors, and required
   * of greeting peers (the transport refuses a peer that names another). 0 while an executor has
   * not joined a driver, and for tools that check nothing.
   */
  long driverIncarnation();
}
