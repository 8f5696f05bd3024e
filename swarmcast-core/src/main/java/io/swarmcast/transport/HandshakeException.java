package io.swarmcast.transport;

import java.io.IOException;

/**
 * A connection's handshake failed: the other side refused it (wrong protocol version, a node that
 * does not take this kind of connection), broke the protocol before it completed, or did not finish
 * it in time. On the accepting side, an {@link Admission} throws it to refuse, and its message is
 * sent back.
 */
public final class HandshakeException extends IOException {
  private final boolean refused;

  public HandshakeException(String message) {
    this(message, false);
  }

  /** {@code refused}: the other side answered with a refusal (see {@link #refused()}). */
  public HandshakeException(String message, boolean refused) {
    super(message);
    this.refused = refused;
  }

  /**
   * Whether the other side answered and said no (a wrong version, a node of another driver, later a
   * wrong secret), as opposed to the connection breaking or timing out: trying again will not help.
   */
  public boolean refused() {
    return refused;
  }
}
