package io.swarmcast.tracker;

import io.swarmcast.transport.Connection;

/**
 * A registered executor: its id, the address it serves pieces on, and the driver's connection to it.
 */
public record ExecutorInfo(int id, String host, int port, Connection connection) {
  @Override
  public String toString() {
    return "executor " + id + " (" + host + ":" + port + ")";
  }
}
