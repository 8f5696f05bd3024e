package io.swarmcast.tracker;

/** A registered executor: its id and the address it serves pieces on. Immutable. */
public record ExecutorInfo(int id, String host, int port) {
  @Override
  public String toString() {
    return "executor " + id + " (" + host + ":" + port + ")";
  }
}
