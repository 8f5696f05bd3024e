package io.swarmcast.transport;

import java.io.IOException;

/**
 * A connection's handshake failed: the other side refused it (wrong protocol version, a node that does
 * not take this kind of connection), broke the protocol before it completed, or did not finish it in
 * time. On the accepting side, an {@link Admission} throws it to refuse, and its message is sent back.
 */
public final class HandshakeException extends IOException {
  public HandshakeException(String message) {
    super(message);
  }
}
