package io.swarmcast.transport;

import io.swarmcast.protocol.MessageVisitor;

/**
 * What a node does with the requests and notices that arrive on its connections once their
 * handshake is done: one method per inbound message type (see {@link MessageVisitor}, whose
 * exhaustiveness the compiler enforces), plus the end of a connection. Answers to this node's own
 * requests complete the futures {@link Connection#request} returned and never come here. Called on
 * the connection's event-loop thread: implementations must not block. An exception thrown while
 * handling a request becomes a {@code Failure} reply.
 */
public interface MessageHandler extends MessageVisitor<Connection> {
  /** An established connection closed, for whatever reason. */
  void onClosed(Connection connection);
}
