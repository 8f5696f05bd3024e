package io.swarmcast.node;

import java.util.function.IntConsumer;

/**
 * Test fixture: hooks into a node's internals that tests in other packages need and applications
 * must not have, kept out of the public API (the node's methods behind them are package-private).
 */
public final class NodeFaults {
  private NodeFaults() {}

  /**
   * Runs {@code hook} on {@code driver}'s file reader before it reads each piece of a streamed
   * file, with the piece's index: a test can hold the reader at a piece and watch the swarm
   * meanwhile.
   */
  public static void beforeFileRead(DriverNode driver, IntConsumer hook) {
    driver.beforeFileRead(hook);
  }
}
