package io.swarmcast.leak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class whose buffers leaked. Registered for every test class by JUnit's extension
 * autodetection ({@code junit-platform.properties} and {@code META-INF/services}). After the class,
 * it collects garbage (a leaked buffer is found when its wrapper is collected), makes the detector
 * look (it polls its queue whenever a buffer is allocated), and fails with Netty's report of where
 * each leaked buffer was last touched. Does nothing unless {@link RecordingLeakDetector} is
 * installed.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    List<String> leaks = collectLeaks();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " buffer leak(s) in or before "
              + context.getDisplayName()
              + ":\n"
              + String.join("\n", leaks));
    }
  }

  /** Leaks the detector finds after a few garbage collections; forgets them. */
  public static List<String> collectLeaks() throws InterruptedException {
    if (!RecordingLeakDetector.installed()) {
      return List.of();
    }
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    for (int i = 0; i < 3; i++) {
      // The reference handler enqueues the collected buffers' trackers after the GC, a whole GC's
      // worth at a time: once a sentinel collected by this GC is enqueued, every earlier GC's
      // trackers are.
      WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
      System.gc();
      if (queue.remove(10_000) != sentinel) {
        throw new AssertionError(
            "no garbage collection within 10 s (-XX:+DisableExplicitGC?): the leak check cannot look");
      }
      for (ByteBufAllocator alloc :
          new ByteBufAllocator[] {
            ByteBufAllocator.DEFAULT,
            PooledByteBufAllocator.DEFAULT,
            UnpooledByteBufAllocator.DEFAULT
          }) {
        ByteBuf probe = alloc.directBuffer(1);
        probe.release();
        probe = alloc.heapBuffer(1);
        probe.release();
      }
    }
    return RecordingLeakDetector.drain();
  }
}
