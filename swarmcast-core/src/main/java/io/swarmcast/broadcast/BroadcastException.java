package io.swarmcast.broadcast;

/**
 * A broadcast could not be created, read, unpersisted or destroyed; the message says which and why.
 */
public class BroadcastException extends RuntimeException {
  /**
   * @param message what failed and why
   */
  public BroadcastException(String message) {
    super(message);
  }

  /**
   * @param message what failed and why
   * @param cause the underlying failure
   */
  public BroadcastException(String message, Throwable cause) {
    super(message, cause);
  }
}
