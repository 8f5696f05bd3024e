package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
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

  public BlockManager(PieceStore store) {
    this.store = store;
  }

  /** Stores a piece, taking over the caller's reference; false if it was already here. */
  public boolean putPiece(long broadcastId, int piece, ByteBuf data) {
    return store.put(broadcastId, piece, data);
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

  /**
   * New references to all {@code pieceCount} pieces, in order; the caller releases them. Fails if one
   * is missing (removed concurrently).
   */
  public List<ByteBuf> allPieces(long broadcastId, int pieceCount) {
    List<ByteBuf> out = new ArrayList<>(pieceCount);
    for (int i = 0; i < pieceCount; i++) {
      ByteBuf b = store.get(broadcastId, i);
      if (b == null) {
        out.forEach(ByteBuf::release);
        throw new BlockNotFoundException("piece " + i + " of broadcast " + broadcastId + " is no longer stored here");
      }
      out.add(b);
    }
    return out;
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

  public long bytesStored() {
    return store.bytesStored();
  }

  @Override
  public void close() {
    values.clear();
    store.close();
  }
}
