package io.swarmcast.swarm;

/** Where an executor may fetch a broadcast's pieces from. */
public enum FetchMode {
  /** From the driver and from any executor that holds a piece, preferring executors. */
  SWARM,
  /** From the driver only, in order: the baseline every peer-to-peer scheme is measured against. */
  DRIVER_ONLY
}
