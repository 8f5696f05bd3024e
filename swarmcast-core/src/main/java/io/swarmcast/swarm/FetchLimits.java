package io.swarmcast.swarm;

/**
 * Limits on an executor's outstanding piece requests.
 *
 * @param maxInFlight to all peers together
 * @param maxPerPeer to any one peer: more would queue behind each other on that peer's link
 * @param maxFromDriver to the driver, on top of the peers' budget, so its link never waits for a
 *     round trip
 * @param maxBadPieces pieces failing their checksum after which a peer is not asked again in this
 *     fetch
 */
public record FetchLimits(int maxInFlight, int maxPerPeer, int maxFromDriver, int maxBadPieces) {
  /** The default of {@code swarmcast.fetch.maxBadPieces}. */
  public static final int DEFAULT_MAX_BAD_PIECES = 2;

  public FetchLimits {
    if (maxInFlight < 1 || maxPerPeer < 1 || maxFromDriver < 1 || maxBadPieces < 1) {
      throw new IllegalArgumentException(
          "limits must be positive: "
              + maxInFlight
              + ", "
              + maxPerPeer
              + ", "
              + maxFromDriver
              + ", "
              + maxBadPieces);
    }
  }

  /** With the default {@link #DEFAULT_MAX_BAD_PIECES}. */
  public FetchLimits(int maxInFlight, int maxPerPeer, int maxFromDriver) {
    this(maxInFlight, maxPerPeer, maxFromDriver, DEFAULT_MAX_BAD_PIECES);
  }
}
