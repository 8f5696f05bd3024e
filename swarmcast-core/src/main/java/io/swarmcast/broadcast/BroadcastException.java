package io.swarmcast.broadcast;

/**
 * A broadcast could not be created, read, unpersisted or destroyed; the message says which and why.
 */
public class BroadcastException extends RuntimeException {
  public BroadcastException(String message) {
    super(message);
  }

  public BroadcastException(String message, Throwable cause) {
    super(message, cause);
  }
}
