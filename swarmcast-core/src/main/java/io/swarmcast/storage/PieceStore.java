package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;

/**
 * Where a node keeps the pieces of broadcasts, addressed by (broadcast id, piece index). The memory
 * store keeps them off the Java heap; a file-backed store can implement the same contract.
 * Implementations are thread-safe.
 */
public interface PieceStore extends AutoCloseable {
  /**
   * Stores {@code data}, taking over the caller's reference. Returns false, and releases {@code
   * data}, if the piece is already stored.
   */
  boolean put(long broadcastId, int piece, ByteBuf data);

  /**
   * A new reference to the piece (the caller releases it), or null if this store does not hold it.
   */
  ByteBuf get(long broadcastId, int piece);

  boolean contains(long broadcastId, int piece);

  /** Drops every piece of the broadcast; returns how many were dropped. */
  int removeBroadcast(long broadcastId);

  /**
   * Drops every piece of every broadcast; returns how many were dropped. The store stays usable.
   */
  int clear();

  /** Broadcasts with at least one piece here. */
  int broadcastCount();

  /** Bytes held over all broadcasts. */
  long bytesStored();

  /**
   * A piece held on disk as a region of its file, for {@code sendfile} (the caller releases it);
   * null if this store holds the piece in memory, or not at all.
   */
  default FileRegion region(long broadcastId, int piece) {
    return null;
  }

  /** Whether any piece of the broadcast is on disk here, so {@link #region} may give one. */
  default boolean hasOnDisk(long broadcastId) {
    return false;
  }

  /** Drops everything. */
  @Override
  void close();
}
