package io.swarmcast.swarm;

/**
 * An executor that may serve pieces: its id (given by the driver) and where it serves them.
 *
 * @param id the executor's id, unique within one driver
 * @param host the address it serves pieces on
 * @param port its block server's port
 */
public record PeerAddress(int id, String host, int port) {
  public PeerAddress {
    if (host == null) {
      throw new IllegalArgumentException("host is null for peer " + id);
    }
  }

  @Override
  public String toString() {
    return "executor " + id + " (" + host + ":" + port + ")";
  }
}
