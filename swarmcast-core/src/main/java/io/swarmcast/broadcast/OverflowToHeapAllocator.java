package io.swarmcast.broadcast;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

/**
 * The allocator a driver serializes one value with: direct buffers from the node's piece memory
 * while they fit in the room the memory budget leaves ({@code swarmcast.storage.memoryBytes}), heap
 * buffers after that. The value must be serialized whole before it is cut (the cut depends on its
 * size), so without this a value larger than the JVM's direct memory failed the driver; the heap
 * part is spilled to disk as it is stored and becomes garbage. Counts what it handed out by maximum
 * capacity, the most a buffer can grow to. Not thread-safe: one serialization at a time uses one.
 */
final class OverflowToHeapAllocator extends AbstractByteBufAllocator {
  private final ByteBufAllocator memory;
  private long room;

  OverflowToHeapAllocator(ByteBufAllocator memory, long room) {
    super(true);
    this.memory = memory;
    this.room = room;
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    if (maxCapacity <= room) {
      room -= maxCapacity;
      return memory.directBuffer(initialCapacity, maxCapacity);
    }
    return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return memory.isDirectBufferPooled();
  }
}
