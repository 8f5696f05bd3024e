package io.swarmcast.transport;

/** What the other end of a connection is to this node, as its handshake established. */
public enum RemoteRole {
  /** The driver this executor registered with (this side sent {@code RegisterExecutor}). */
  DRIVER,
  /**
   * An executor that registered with this driver (the other side sent {@code RegisterExecutor}).
   */
  EXECUTOR,
  /**
   * Another executor, on a peer connection (opened with {@code Hello}, whichever side opened it).
   */
  PEER
}
