package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import java.util.function.IntConsumer;

/**
 * Test fixture: hooks into a node's internals that tests in other packages need and applications
 * must not have, kept out of the public API (the node's methods behind them are package-private).
 */
public final class NodeFaults {
  /**
   * Uploads a copy of each piece with the lowest bit of its middle byte flipped, which fails the
   * receiver's CRC32C check (a CRC detects every single-bit error); the node's own stored copy
   * stays intact. An empty piece goes as it is. Install with {@link SwarmNode#setUploadFilter}.
   */
  public static final UploadFilter FLIP_BITS =
      (broadcastId, piece, data) -> {
        if (!data.isReadable()) {
          return data;
        }
        ByteBuf copy = data.copy();
        data.release();
        int at = copy.readerIndex() + copy.readableBytes() / 2;
        copy.setByte(at, copy.getByte(at) ^ 1);
        return copy;
      };

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
