package io.swarmcast.node;

/**
 * A node could not do what it was asked: there is no node of that driver in this JVM, no such
 * executor, a removal failed on some executors, the node closed under a fetch. Its message is meant
 * for the user; the broadcast layer reports it as a {@code BroadcastException} with the same
 * message (the node package does not depend on the broadcast package, which is built on it).
 */
public class NodeException extends RuntimeException {
  public NodeException(String message) {
    super(message);
  }

  public NodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
