package io.swarmcast.transport;

/**
 * The remote node answered a request with a failure; the message is the remote's own explanation.
 */
public final class RemoteException extends RuntimeException {
  private final String remote;
  private final String remoteMessage;

  public RemoteException(String remote, String message) {
    super(remote + ": " + message);
    this.remote = remote;
    this.remoteMessage = message;
  }

  public String remote() {
    return remote;
  }

  /** The failure text as the remote node wrote it, without the address prefix. */
  public String remoteMessage() {
    return remoteMessage;
  }
}
