package io.swarmcast.node;

import io.netty.buffer.ByteBuf;

/**
 * What a node does to a piece just before it uploads it: the one place where a node's uploads can
 * be altered, meant for fault injection in demos and tests ({@code swarmcast executor
 * --corrupt-uploads}, {@code swarmcast demo --corrupt-executors K}). Installed with {@link
 * SwarmNode#setUploadFilter}.
 *
 * <p>{@link #NONE}, the default, sends the stored buffer itself, zero-copy. {@link #FLIP_BITS}
 * sends a copy with one bit flipped, which fails the receiver's CRC32C check (a CRC detects every
 * single-bit error): the node's own stored copy stays intact, so it still reads and verifies the
 * value itself.
 *
 * <p>Ownership: {@link #apply} takes over the one reference to {@code data} it is given and returns
 * a buffer holding one reference the caller then owns (the same buffer, or a new one after
 * releasing {@code data}). Implementations are called on event-loop threads, concurrently: they
 * must be thread-safe and must not block.
 */
@FunctionalInterface
public interface UploadFilter {
  /** Sends what is stored. */
  UploadFilter NONE = (broadcastId, piece, data) -> data;

  /** Sends a copy with the lowest bit of its middle byte flipped; an empty piece goes as it is. */
  UploadFilter FLIP_BITS =
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

  /**
   * The buffer to send for piece {@code piece} of a broadcast in place of {@code data} (see
   * ownership above).
   */
  ByteBuf apply(long broadcastId, int piece, ByteBuf data);
}
