package io.swarmcast.swarm;

/**
 * Limits on an executor's outstanding piece requests.
 *
 * @param maxInFlight   to all peers together
 * @param maxPerPeer    to any one peer: more would queue behind each other on that peer's link
 * @param maxFromDriver to the driver, on top of the peers' budget, so its link never waits for a round trip
 */
public record FetchLimits(int maxInFlight, int maxPerPeer, int maxFromDriver) {
  public FetchLimits {
    if (maxInFlight < 1 || maxPerPeer < 1 || maxFromDriver < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxInFlight + ", " + maxPerPeer + ", " + maxFromDriver);
    }
  }
}
