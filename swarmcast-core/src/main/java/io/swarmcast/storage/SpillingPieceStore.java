package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Pieces in memory up to a budget ({@code swarmcast.storage.memoryBytes}), the rest on disk, as
 * Spark's {@code MEMORY_AND_DISK_SER} keeps blocks: a broadcast larger than a node's direct memory
 * no longer fails it. A piece that arrives when memory holds the budget is appended to its
 * broadcast's {@link SpillFile} under the node's storage directory, and its buffer goes back to the
 * pool at once. Spilled pieces are read back into buffers for a value, and served with {@code
 * sendfile} ({@link #region}) when TLS is off. Pieces are never moved between memory and disk once
 * stored.
 *
 * <p>Thread-safe. The budget is checked, not reserved: pieces stored at the same moment may exceed
 * it by a piece each.
 */
public final class SpillingPieceStore implements PieceStore {
  private final MemoryPieceStore memory = new MemoryPieceStore();
  private final long budget;
  private final ByteBufAllocator readBuffers;

  /**
   * Where spill files go: asked at the first spill, since a node's directory is named by its port.
   */
  private final Supplier<Path> directory;

  private final Map<Long, SpillFile> spills = new ConcurrentHashMap<>();

  /**
   * {@code budget}: bytes of pieces kept in memory; {@code readBuffers}: where spilled pieces are
   * read into.
   */
  public SpillingPieceStore(long budget, ByteBufAllocator readBuffers, Supplier<Path> directory) {
    if (budget < 0) {
      throw new IllegalArgumentException("budget < 0: " + budget);
    }
    this.budget = budget;
    this.readBuffers = readBuffers;
    this.directory = directory;
  }

  /**
   * Stores the piece in memory if it fits the budget, else on disk.
   *
   * @throws java.io.UncheckedIOException naming the file and broadcast if it must spill and cannot
   *     (a full disk, an unwritable directory): pieces already held stay held
   */
  @Override
  public boolean put(long broadcastId, int piece, ByteBuf data) {
    if (contains(broadcastId, piece)) {
      data.release();
      return false;
    }
    if (memory.bytesStored() + data.readableBytes() <= budget) {
      return memory.put(broadcastId, piece, data);
    }
    SpillFile file;
    try {
      file = spills.computeIfAbsent(broadcastId, id -> SpillFile.create(id, directory.get()));
    } catch (RuntimeException e) {
      data.release();
      throw e;
    }
    return file.write(piece, data);
  }

  @Override
  public ByteBuf get(long broadcastId, int piece) {
    ByteBuf b = memory.get(broadcastId, piece);
    if (b != null) {
      return b;
    }
    SpillFile f = spills.get(broadcastId);
    return f == null ? null : f.read(piece, readBuffers);
  }

  @Override
  public boolean contains(long broadcastId, int piece) {
    if (memory.contains(broadcastId, piece)) {
      return true;
    }
    SpillFile f = spills.get(broadcastId);
    return f != null && f.has(piece);
  }

  @Override
  public FileRegion region(long broadcastId, int piece) {
    SpillFile f = spills.get(broadcastId);
    return f == null ? null : f.region(piece);
  }

  @Override
  public boolean hasOnDisk(long broadcastId) {
    return spills.containsKey(broadcastId);
  }

  @Override
  public int removeBroadcast(long broadcastId) {
    SpillFile f = spills.remove(broadcastId);
    return memory.removeBroadcast(broadcastId) + (f == null ? 0 : f.close());
  }

  @Override
  public int clear() {
    int n = memory.clear();
    for (Long id : spills.keySet().toArray(new Long[0])) {
      SpillFile f = spills.remove(id);
      if (f != null) {
        n += f.close();
      }
    }
    return n;
  }

  @Override
  public int broadcastCount() {
    int onlyOnDisk = 0;
    for (Long id : spills.keySet()) {
      onlyOnDisk += memory.holds(id) ? 0 : 1;
    }
    return memory.broadcastCount() + onlyOnDisk;
  }

  @Override
  public long bytesStored() {
    return memory.bytesStored() + spilledBytes();
  }

  /** Bytes memory may still take before pieces spill. */
  public long memoryRoom() {
    return Math.max(0, budget - memory.bytesStored());
  }

  /** Bytes of pieces held on disk because memory was full. */
  public long spilledBytes() {
    long n = 0;
    for (SpillFile f : spills.values()) {
      n += f.bytesHeld();
    }
    return n;
  }

  /**
   * The file a broadcast's spilled pieces are in, or null if none spilled; for tests and messages.
   */
  Path spillFile(long broadcastId) {
    SpillFile f = spills.get(broadcastId);
    return f == null ? null : f.path();
  }

  @Override
  public void close() {
    clear();
  }
}
