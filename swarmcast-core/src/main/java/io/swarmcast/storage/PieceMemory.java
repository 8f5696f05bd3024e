package io.swarmcast.storage;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's allocator, which keeps the direct memory of pieces for the next broadcast.
 *
 * <p>Why: a piece is a few MiB of direct memory that lives as long as its broadcast. Freshly
 * allocated, every 4 KiB of it costs a page fault in which the kernel zeroes the page, and the JDK
 * then zeroes it again; freed, it goes back to the OS, and the next broadcast pays the same again.
 * Measured on one executor receiving 512 MiB on loopback, that was about a third of its CPU ({@code
 * clear_page_erms}, {@code exc_page_fault} in {@code perf}). Here a released piece buffer goes back
 * to an idle list of its size instead, up to {@code retainBytes} of idle memory, and {@link
 * #preTouch} can fill that list when the node starts, so even its first broadcast finds touched
 * memory.
 *
 * <p>What is pooled: direct buffers asked for with an exact size of at least {@value #MIN_POOLED}
 * bytes ({@code directBuffer(n, n)}), which is how the driver's cutter asks for whole blocks and
 * the decoder for a received piece. Everything else (socket reads, frames, small messages) goes to
 * the {@code fallback} allocator unchanged. A request with no idle buffer of its size is cut from
 * an idle buffer whose size is a whole multiple of it (pieces are block-size divisors, so the
 * pre-touched blocks serve any piece size), and otherwise allocated fresh.
 *
 * <p>Memory accounting: {@link #idleBytes()} never exceeds {@code retainBytes}; a buffer that would
 * take it past is freed at once if it was allocated whole, or dropped to the garbage collector if
 * it was cut from a larger one (its siblings may still be in use). Thread-safe: the idle lists are
 * guarded by this object's lock, held only for list operations.
 */
public final class PieceMemory extends AbstractByteBufAllocator {
  /** Smaller exact-size requests are left to the fallback allocator: they are not bulk data. */
  static final int MIN_POOLED = 32 << 10;

  private final ByteBufAllocator fallback;
  private final long retainBytes;

  /** Idle buffers by capacity; each buffer's position is 0 and its limit its capacity. */
  private final TreeMap<Integer, ArrayDeque<Idle>> idle = new TreeMap<>();

  private long idleBytes;
  private long freshBytes;
  private long reusedBytes;

  /** Set by {@link #clear}: from then on nothing is kept, and a running {@link #preTouch} stops. */
  private boolean closed;

  /**
   * An idle buffer, and whether it is a whole allocation (freed eagerly) or cut from a larger one.
   */
  private record Idle(ByteBuffer buffer, boolean whole) {}

  public PieceMemory(ByteBufAllocator fallback, long retainBytes) {
    super(true);
    this.fallback = fallback;
    this.retainBytes = Math.max(0, retainBytes);
  }

  /**
   * Allocates and touches {@code bytes} of memory in buffers of {@code blockSize} (within the
   * retain bound), so a node's first broadcast finds its pieces' memory resident. Returns the bytes
   * added.
   */
  public long preTouch(long bytes, int blockSize) {
    long added = 0;
    while (added + blockSize <= bytes) {
      synchronized (this) {
        if (closed || idleBytes + blockSize > retainBytes) {
          break;
        }
      }
      // allocateDirect zeroes the memory, which touches every page of it.
      giveBack(new Idle(ByteBuffer.allocateDirect(blockSize), true));
      synchronized (this) {
        freshBytes += blockSize;
      }
      added += blockSize;
    }
    return added;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    if (initialCapacity != maxCapacity || initialCapacity < MIN_POOLED) {
      return fallback.directBuffer(initialCapacity, maxCapacity);
    }
    Idle memory = take(initialCapacity);
    return toLeakAwareBuffer(new Piece(this, memory));
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return fallback.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }

  /** Bytes of idle memory held for reuse. */
  public synchronized long idleBytes() {
    return idleBytes;
  }

  /** Bytes handed out from idle memory so far. */
  public synchronized long reusedBytes() {
    return reusedBytes;
  }

  /** Bytes allocated fresh (pre-touched ones included) so far. */
  public synchronized long freshBytes() {
    return freshBytes;
  }

  /**
   * Frees every idle buffer that was allocated whole (the rest go to the garbage collector), and
   * keeps nothing from then on: for a node that closes.
   */
  public void clear() {
    ArrayDeque<Idle> all = new ArrayDeque<>();
    synchronized (this) {
      closed = true;
      idle.values().forEach(all::addAll);
      idle.clear();
      idleBytes = 0;
    }
    for (Idle i : all) {
      free(i);
    }
  }

  private Idle take(int size) {
    synchronized (this) {
      ArrayDeque<Idle> exact = idle.get(size);
      if (exact != null) {
        Idle i = exact.poll();
        if (exact.isEmpty()) {
          idle.remove(size);
        }
        idleBytes -= size;
        reusedBytes += size;
        return i;
      }
      Idle cut = cutFromLarger(size);
      if (cut != null) {
        reusedBytes += size;
        return cut;
      }
      freshBytes += size;
    }
    return new Idle(ByteBuffer.allocateDirect(size), true);
  }

  /**
   * An idle buffer of a multiple of {@code size} cut into pieces of it: one returned, the rest
   * idle.
   */
  private Idle cutFromLarger(int size) {
    for (Iterator<Map.Entry<Integer, ArrayDeque<Idle>>> it =
            idle.tailMap(size, false).entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Integer, ArrayDeque<Idle>> e = it.next();
      int capacity = e.getKey();
      if (capacity % size != 0) {
        continue;
      }
      ByteBuffer whole = e.getValue().poll().buffer();
      if (e.getValue().isEmpty()) {
        it.remove();
      }
      ArrayDeque<Idle> parts = idle.computeIfAbsent(size, k -> new ArrayDeque<>());
      for (int off = size; off < capacity; off += size) {
        parts.add(new Idle(whole.duplicate().position(off).limit(off + size).slice(), false));
      }
      if (parts.isEmpty()) {
        idle.remove(size);
      }
      idleBytes -= size;
      return new Idle(whole.duplicate().limit(size).slice(), false);
    }
    return null;
  }

  private void giveBack(Idle memory) {
    int size = memory.buffer().capacity();
    synchronized (this) {
      if (!closed && idleBytes + size <= retainBytes) {
        memory.buffer().clear();
        idle.computeIfAbsent(size, k -> new ArrayDeque<>()).add(memory);
        idleBytes += size;
        return;
      }
    }
    free(memory);
  }

  private static void free(Idle memory) {
    if (memory.whole()) {
      PlatformDependent.freeDirectBuffer(memory.buffer());
    }
  }

  /** A piece's buffer: exactly its memory's size; released, the memory goes back to the pool. */
  private static final class Piece extends UnpooledDirectByteBuf {
    private final PieceMemory pool;
    private final Idle memory;

    Piece(PieceMemory pool, Idle memory) {
      super(pool, memory.buffer(), memory.buffer().capacity());
      this.pool = pool;
      this.memory = memory;
      clear(); // the constructor counts the buffer's bytes as written
    }

    @Override
    protected void deallocate() {
      super.deallocate(); // drops the reference; frees nothing (the buffer was handed in)
      pool.giveBack(memory);
    }
  }
}
