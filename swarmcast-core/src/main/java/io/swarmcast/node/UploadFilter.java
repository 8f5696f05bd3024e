package io.swarmcast.node;

import io.netty.buffer.ByteBuf;

/**
 * What a node does to a piece just before it uploads it: the one place where a node's uploads can
 * be altered, the hook for fault injection. The faults themselves live with what injects them: the
 * CLI's {@code CorruptUploads} ({@code swarmcast executor --corrupt-uploads}, {@code swarmcast demo
 * --corrupt-executors K}) and the tests' {@code NodeFaults}. Installed with {@link
 * SwarmNode#setUploadFilter}.
 *
 * <p>{@link #NONE}, the default, sends the stored buffer itself, zero-copy.
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

  /**
   * The buffer to send for piece {@code piece} of a broadcast in place of {@code data} (see
   * ownership above).
   */
  ByteBuf apply(long broadcastId, int piece, ByteBuf data);
}
