package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A node's blocks: the pieces of each broadcast (in a {@link PieceStore}) and each broadcast's
 * deserialized value, once some caller has read it.
 *
 * <p>Values are computed at most once at a time per broadcast: concurrent {@link
 * #getOrComputeValue} calls for the same id wait for the first caller's result instead of fetching
 * again. A failed computation is forgotten, so a later call retries. Thread-safe.
 */
public final class BlockManager implements AutoCloseable {
  private final PieceStore store;
  private final Map<Long, CompletableFuture<Object>> values = new ConcurrentHashMap<>();

  /** Signalled on every stored piece, for {@link #awaitPiece}; guards {@link #piecesStored}. */
  private final Object arrivals = new Object();

  private long piecesStored;
  private final PieceMemory memory;

  /** File broadcasts: their pieces live in one file each instead of {@link #store}. */
  private final Map<Long, PieceFile> files = new ConcurrentHashMap<>();

  /** A block manager whose pieces' memory is not kept for reuse. */
  public BlockManager(PieceStore store) {
    this(store, new PieceMemory(ByteBufAllocator.DEFAULT, 0));
  }

  /** A block manager whose pieces take their memory from, and give it back to, {@code memory}. */
  public BlockManager(PieceStore store, PieceMemory memory) {
    this.store = store;
    this.memory = memory;
  }

  /**
   * The allocator for this node's pieces: the driver cuts into it, the transport receives into it.
   */
  public PieceMemory memory() {
    return memory;
  }

  /**
   * Keeps a file broadcast's pieces in {@code file} from now on (see {@link PieceFile}): on the
   * driver the user's file, on an executor the file it fetches into.
   *
   * @throws IllegalStateException if the broadcast already has a file or pieces in memory here
   */
  public void addFile(long broadcastId, PieceFile file) {
    if (store.contains(broadcastId, 0) || files.putIfAbsent(broadcastId, file) != null) {
      throw new IllegalStateException("Broadcast(" + broadcastId + ") already has pieces here");
    }
  }

  /** The file a file broadcast's pieces are kept in, or null if it is not a file broadcast here. */
  public PieceFile file(long broadcastId) {
    return files.get(broadcastId);
  }

  /**
   * Stores a piece, taking over the caller's reference; false if it was already here.
   *
   * @throws java.io.UncheckedIOException if a file broadcast's piece cannot be written (a full
   *     disk), naming the file; what was held stays held
   */
  public boolean putPiece(long broadcastId, int piece, ByteBuf data) {
    PieceFile file = files.get(broadcastId);
    boolean stored = file != null ? file.write(piece, data) : store.put(broadcastId, piece, data);
    if (stored) {
      synchronized (arrivals) {
        piecesStored++;
        arrivals.notifyAll();
      }
    }
    return stored;
  }

  /**
   * A new reference to a piece (the caller releases it), waiting until it is stored; null if {@code
   * until} completes, however, while the piece is still not here. Lets a reader consume a
   * broadcast's pieces in order while they are still being fetched.
   */
  public ByteBuf awaitPiece(long broadcastId, int piece, CompletableFuture<?> until)
      throws InterruptedException {
    boolean wakeOnCompletion = false;
    while (true) {
      long seen;
      synchronized (arrivals) {
        seen = piecesStored;
      }
      ByteBuf b = getPiece(broadcastId, piece);
      if (b != null || until.isDone()) {
        return b != null ? b : getPiece(broadcastId, piece);
      }
      if (!wakeOnCompletion) {
        wakeOnCompletion = true;
        until.whenComplete(
            (v, e) -> {
              synchronized (arrivals) {
                arrivals.notifyAll();
              }
            });
      }
      synchronized (arrivals) {
        // A piece stored since we looked changes the count: look again instead of waiting.
        while (piecesStored == seen && !until.isDone()) {
          arrivals.wait();
        }
      }
    }
  }

  /** A new reference to a piece, or null; the caller releases it. */
  public ByteBuf getPiece(long broadcastId, int piece) {
    PieceFile file = files.get(broadcastId);
    return file != null ? file.read(piece, memory) : store.get(broadcastId, piece);
  }

  /**
   * A piece as a region of its file, for {@code sendfile}; null if the piece is not held on disk
   * here (it is in memory, or not held). The caller releases it (the transport does, once written).
   */
  public FileRegion pieceRegion(long broadcastId, int piece) {
    PieceFile file = files.get(broadcastId);
    return file != null ? file.region(piece) : store.region(broadcastId, piece);
  }

  /**
   * Whether some of the broadcast's pieces are on disk here (a file broadcast, or pieces spilled
   * past the memory budget).
   */
  public boolean hasPiecesOnDisk(long broadcastId) {
    return files.containsKey(broadcastId) || store.hasOnDisk(broadcastId);
  }

  /** The length of a piece held here, without reading it; 0 if it is not held. */
  public int pieceBytes(long broadcastId, int piece) {
    PieceFile file = files.get(broadcastId);
    if (file != null) {
      return file.has(piece) ? file.pieceBytes(piece) : 0;
    }
    ByteBuf b = store.get(broadcastId, piece);
    if (b == null) {
      return 0;
    }
    try {
      return b.readableBytes();
    } finally {
      b.release();
    }
  }

  public boolean hasPiece(long broadcastId, int piece) {
    PieceFile file = files.get(broadcastId);
    return file != null ? file.has(piece) : store.contains(broadcastId, piece);
  }

  /** Which of the first {@code pieceCount} pieces of a broadcast are here. */
  public BitSet piecesHeld(long broadcastId, int pieceCount) {
    BitSet held = new BitSet(pieceCount);
    for (int i = 0; i < pieceCount; i++) {
      if (hasPiece(broadcastId, i)) {
        held.set(i);
      }
    }
    return held;
  }

  /**
   * Records a value this node already has (the driver's own), so handles deserialized here find it.
   */
  public void putValue(long broadcastId, Object value) {
    values.put(broadcastId, CompletableFuture.completedFuture(value));
  }

  /** The cached value, or the result of {@code compute}, run by one caller at a time per id. */
  public Object getOrComputeValue(long broadcastId, Callable<Object> compute) throws Exception {
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> existing = values.putIfAbsent(broadcastId, mine);
    if (existing != null) {
      try {
        return existing.get();
      } catch (ExecutionException e) {
        throw unwrap(e.getCause());
      }
    }
    try {
      Object v = compute.call();
      mine.complete(v);
      return v;
    } catch (Exception | Error e) {
      values.remove(broadcastId, mine);
      mine.completeExceptionally(e);
      throw e;
    }
  }

  private static Exception unwrap(Throwable t) {
    if (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof Error err) {
      throw err;
    }
    return (Exception) t;
  }

  /** Whether this node holds a value for the broadcast (computed or being computed). */
  public boolean hasValue(long broadcastId) {
    return values.containsKey(broadcastId);
  }

  /** Drops the broadcast's value and pieces; returns how many pieces were dropped. */
  public int removeBroadcast(long broadcastId) {
    values.remove(broadcastId);
    PieceFile file = files.remove(broadcastId);
    int dropped = 0;
    if (file != null) {
      dropped = file.piecesHeld();
      file.close();
    }
    return dropped + store.removeBroadcast(broadcastId);
  }

  /**
   * Drops every value and every piece (the driver they belong to is gone); returns how many pieces
   * were dropped.
   */
  public int clear() {
    values.clear();
    return closeFiles() + store.clear();
  }

  private int closeFiles() {
    int dropped = 0;
    for (Long id : files.keySet().toArray(new Long[0])) {
      PieceFile file = files.remove(id);
      if (file != null) {
        dropped += file.piecesHeld();
        file.close();
      }
    }
    return dropped;
  }

  /** Bytes of pieces held, in memory and in files (a driver's source files included). */
  public long bytesStored() {
    long inFiles = 0;
    for (PieceFile f : files.values()) {
      inFiles += f.bytesHeld();
    }
    return store.bytesStored() + inFiles;
  }

  /**
   * Bytes of ordinary broadcasts' pieces held on disk because memory held its budget (see {@link
   * SpillingPieceStore}).
   */
  public long bytesSpilled() {
    return store instanceof SpillingPieceStore s ? s.spilledBytes() : 0;
  }

  /** Bytes of pieces memory may still take before pieces go to disk. */
  public long memoryRoom() {
    return store instanceof SpillingPieceStore s ? s.memoryRoom() : Long.MAX_VALUE;
  }

  /** Broadcasts with pieces held here, in memory or in a file. */
  public int broadcastsHeld() {
    return store.broadcastCount() + files.size();
  }

  @Override
  public void close() {
    values.clear();
    closeFiles();
    store.close();
    memory.clear();
  }
}
