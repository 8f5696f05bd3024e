package io.swarmcast.cli;

import io.netty.buffer.ByteBuf;
import io.swarmcast.node.UploadFilter;

/**
 * Fault injection for {@code swarmcast executor --corrupt-uploads} (and so {@code swarmcast demo
 * --corrupt-executors K}): every piece this executor uploads is a copy with the lowest bit of its
 * middle byte flipped, which fails the receiver's CRC32C check (a CRC detects every single-bit
 * error). The executor's own stored copy stays intact, so it still reads and verifies the value
 * itself; the swarm must route around it. An empty piece goes as it is.
 */
final class CorruptUploads implements UploadFilter {
  @Override
  public ByteBuf apply(long broadcastId, int piece, ByteBuf data) {
    if (!data.isReadable()) {
      return data;
    }
    ByteBuf copy = data.copy();
    data.release();
    int at = copy.readerIndex() + copy.readableBytes() / 2;
    copy.setByte(at, copy.getByte(at) ^ 1);
    return copy;
  }
}
