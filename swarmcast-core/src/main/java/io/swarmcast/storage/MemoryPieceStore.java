package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link PieceStore} in memory. Pieces stay in the buffers they arrived in (direct, off-heap, for
 * the network and the driver's cutter alike), so the heap carries only the map. Thread-safe: every
 * method holds the store's lock for an O(1) map operation (O(pieces) to remove a broadcast).
 */
public final class MemoryPieceStore implements PieceStore {
  private final Map<Long, Map<Integer, ByteBuf>> pieces = new HashMap<>();
  private long bytes;

  @Override
  public synchronized boolean put(long broadcastId, int piece, ByteBuf data) {
    Map<Integer, ByteBuf> of = pieces.computeIfAbsent(broadcastId, k -> new HashMap<>());
    if (of.containsKey(piece)) {
      data.release();
      return false;
    }
    of.put(piece, data);
    bytes += data.readableBytes();
    return true;
  }

  @Override
  public synchronized ByteBuf get(long broadcastId, int piece) {
    Map<Integer, ByteBuf> of = pieces.get(broadcastId);
    ByteBuf b = of == null ? null : of.get(piece);
    return b == null ? null : b.retainedDuplicate();
  }

  @Override
  public synchronized boolean contains(long broadcastId, int piece) {
    Map<Integer, ByteBuf> of = pieces.get(broadcastId);
    return of != null && of.containsKey(piece);
  }

  @Override
  public synchronized int removeBroadcast(long broadcastId) {
    Map<Integer, ByteBuf> of = pieces.remove(broadcastId);
    if (of == null) {
      return 0;
    }
    for (ByteBuf b : of.values()) {
      bytes -= b.readableBytes();
      b.release();
    }
    return of.size();
  }

  /** Whether any piece of the broadcast is here. */
  public synchronized boolean holds(long broadcastId) {
    return pieces.containsKey(broadcastId);
  }

  @Override
  public synchronized int broadcastCount() {
    return pieces.size();
  }

  @Override
  public synchronized long bytesStored() {
    return bytes;
  }

  @Override
  public synchronized int clear() {
    int n = 0;
    for (Long id : pieces.keySet().toArray(new Long[0])) {
      n += removeBroadcast(id);
    }
    return n;
  }

  @Override
  public synchronized void close() {
    clear();
  }
}
