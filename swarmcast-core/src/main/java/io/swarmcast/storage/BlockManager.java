package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
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
 * <p>Values are computed at most once at a time per broadcast: concurrent
 * {@link #getOrComputeValue} calls for the same id wait for the first caller's result instead of
 * fetching again. A failed computation is forgotten, so a later call retries. Thread-safe.
 */
public final class BlockManager implements AutoCloseable {
  private final PieceStore store;
  private final Map<Long, CompletableFuture<Object>> values = new ConcurrentHashMap<>();
  /** Signalled on every stored piece, for {@link #awaitPiece}; guards {@link #piecesStored}. */
  private final Object arrivals = new Object();
  private long piecesStored;
  private final PieceMemory memory;

  /** A block manager whose pieces' memory is not kept for reuse. */
  public BlockManager(PieceStore store) {
    this(store, new PieceMemory(io.netty.buffer.ByteBufAllocator.DEFAULT, 0));
  }

  /** A block manager whose pieces take their memory from, and give it back to, {@code memory}. */
  public BlockManager(PieceStore store, PieceMemory memory) {
    this.store = store;
    this.memory = memory;
  }

  /** The allocator for this node's pieces: the driver cuts into it, the transport receives into it. */
  public PieceMemory memory() {
    return memory;
  }

  /** Stores a piece, taking over the caller's reference; false if it was already here. */
  public boolean putPiece(long broadcastId, int piece, ByteBuf data) {
    boolean stored = store.put(broadcastId, piece, data);
    if (stored) {
      synchronized (arrivals) {
        piecesStored++;
        arrivals.notifyAll();
      }
    }
    return stored;
  }

  /**
   * A new reference to a piece (the caller releases it), waiting until it is stored; null if
   * {@code until} completes, however, while the piece is still not here. Lets a reader consume a
   * broadcast's pieces in order while they are still being fetched.
   */
  public ByteBuf awaitPiece(long broadcastId, int piece, CompletableFuture<?> until) throws InterruptedException {
    boolean wakeOnCompletion = false;
    while (true) {
      long seen;
      synchronized (arrivals) {
        seen = piecesStored;
      }
      ByteBuf b = store.get(broadcastId, piece);
      if (b != null || until.isDone()) {
        return b != null ? b : store.get(broadcastId, piece);
      }
      if (!wakeOnCompletion) {
        wakeOnCompletion = true;
        until.whenComplete((v, e) -> {
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
    return store.get(broadcastId, piece);
  }

  public boolean hasPiece(long broadcastId, int piece) {
    return store.contains(broadcastId, piece);
  }

  /** Which of the first {@code pieceCount} pieces of a broadcast are here. */
  public BitSet piecesHeld(long broadcastId, int pieceCount) {
    BitSet held = new BitSet(pieceCount);
    for (int i = 0; i < pieceCount; i++) {
      if (store.contains(broadcastId, i)) {
        held.set(i);
      }
    }
    return held;
  }

  /** Records a value this node already has (the driver's own), so handles deserialized here find it. */
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
    return store.removeBroadcast(broadcastId);
  }

  /** Drops every value and every piece (the driver they belong to is gone); returns how many pieces were dropped. */
  public int clear() {
    values.clear();
    return store.clear();
  }

  public long bytesStored() {
    return store.bytesStored();
  }

  @Override
  public void close() {
    values.clear();
    store.close();
    memory.clear();
  }
}
