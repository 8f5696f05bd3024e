package io.swarmcast.transport;

import io.swarmcast.protocol.Message;

/**
 * What a node does with the messages that arrive on a connection and are not answers to its own
 * requests (those complete the futures {@link Connection#request} returned). Called on the
 * connection's event-loop thread: implementations must not block.
 */
public interface MessageHandler {
  /** Handles a request or notice; may answer through {@code from}. Exceptions become a {@code Failure} reply. */
  void onMessage(Connection from, Message message);

  /** The connection closed, for whatever reason. */
  default void onClosed(Connection connection) {}
}
