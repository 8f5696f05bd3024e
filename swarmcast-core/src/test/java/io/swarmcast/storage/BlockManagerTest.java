package io.swarmcast.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BlockManagerTest {
  private final LookCountingStore store = new LookCountingStore();
  private final BlockManager blocks = new BlockManager(store);
  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    blocks.close();
  }

  /** A memory store that counts the lookups of each piece: how often a waiter has looked for it. */
  private static final class LookCountingStore implements PieceStore {
    private final MemoryPieceStore memory = new MemoryPieceStore();
    private final Map<String, AtomicInteger> looks = new ConcurrentHashMap<>();

    int looks(long broadcastId, int piece) {
      AtomicInteger n = looks.get(broadcastId + "/" + piece);
      return n == null ? 0 : n.get();
    }

    @Override
    public boolean put(long broadcastId, int piece, ByteBuf data) {
      return memory.put(broadcastId, piece, data);
    }

    @Override
    public ByteBuf get(long broadcastId, int piece) {
      looks.computeIfAbsent(broadcastId + "/" + piece, k -> new AtomicInteger()).incrementAndGet();
      return memory.get(broadcastId, piece);
    }

    @Override
    public boolean contains(long broadcastId, int piece) {
      return memory.contains(broadcastId, piece);
    }

    @Override
    public int removeBroadcast(long broadcastId) {
      return memory.removeBroadcast(broadcastId);
    }

    @Override
    public int clear() {
      return memory.clear();
    }

    @Override
    public int broadcastCount() {
      return memory.broadcastCount();
    }

    @Override
    public long bytesStored() {
      return memory.bytesStored();
    }

    @Override
    public void close() {
      memory.close();
    }
  }

  /**
   * Whether {@code t} is parked (not merely blocked on a lock) inside a call of BlockManager's
   * {@code method}: the thread has looked, found nothing to return, and waits to be woken.
   */
  private static boolean parkedIn(Thread t, String method) {
    if (t == null || t.getState() != Thread.State.WAITING) {
      return false;
    }
    for (StackTraceElement f : t.getStackTrace()) {
      if (f.getClassName().equals(BlockManager.class.getName())
          && f.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }

  private static ByteBuf buf(int... bytes) {
    ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(bytes.length);
    for (int x : bytes) {
      b.writeByte(x);
    }
    return b;
  }

  @Test
  void concurrentCallersComputeTheValueOnce() throws Exception {
    int threads = 8;
    AtomicInteger computations = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    Object value = new Object();
    Set<Thread> callers = ConcurrentHashMap.newKeySet();
    Callable<Object> compute =
        () -> {
          computations.incrementAndGet();
          Thread computing =
              Thread.currentThread(); // the condition below runs on Awaitility's thread
          // Keep the computation running until every other caller waits for it inside
          // getOrComputeValue (or, were they not made to wait, until a second one computes too,
          // which the assertion below catches).
          await("the other callers parked waiting for this computation")
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      computations.get() > 1
                          || callers.stream()
                              .filter(t -> t != computing)
                              .allMatch(t -> parkedIn(t, "getOrComputeValue")));
          return value;
        };

    List<Future<Object>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      results.add(
          pool.submit(
              () -> {
                callers.add(Thread.currentThread());
                ready.countDown();
                go.await();
                return blocks.getOrComputeValue(1, compute);
              }));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
    go.countDown();

    for (Future<Object> r : results) {
      assertThat(r.get(10, TimeUnit.SECONDS)).isSameAs(value);
    }
    assertThat(computations.get()).isEqualTo(1);
    assertThat(blocks.hasValue(1)).isTrue();
    // Later calls are served from the cache too.
    assertThat(
            blocks.getOrComputeValue(
                1,
                () -> {
                  throw new AssertionError("must not compute again");
                }))
        .isSameAs(value);
  }

  @Test
  void differentBroadcastsAreComputedSeparately() throws Exception {
    assertThat(blocks.getOrComputeValue(1, () -> "one")).isEqualTo("one");
    assertThat(blocks.getOrComputeValue(2, () -> "two")).isEqualTo("two");
    assertThat(blocks.getOrComputeValue(1, () -> "again")).isEqualTo("one");
  }

  @Test
  void aFailedComputationIsRetriedByTheNextCall() throws Exception {
    IOException boom = new IOException("fetch failed");
    assertThatThrownBy(
            () ->
                blocks.getOrComputeValue(
                    1,
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(blocks.hasValue(1)).as("failure is not cached").isFalse();

    AtomicInteger computations = new AtomicInteger();
    assertThat(
            blocks.getOrComputeValue(
                1,
                () -> {
                  computations.incrementAndGet();
                  return "second try";
                }))
        .isEqualTo("second try");
    assertThat(computations.get()).isEqualTo(1);
    assertThat(blocks.getOrComputeValue(1, () -> "third")).isEqualTo("second try");
  }

  @Test
  void aRuntimeFailureIsRethrownAsItIsAndRetried() throws Exception {
    IllegalStateException boom = new IllegalStateException("corrupt");
    assertThatThrownBy(
            () ->
                blocks.getOrComputeValue(
                    1,
                    () -> {
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(blocks.getOrComputeValue(1, () -> 5)).isEqualTo(5);
  }

  @Test
  void callersWaitingOnAFailedComputationGetItsFailure() throws Exception {
    CountDownLatch computing = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    IOException boom = new IOException("driver gone");
    AtomicInteger computations = new AtomicInteger();

    Future<Object> first =
        pool.submit(
            () ->
                blocks.getOrComputeValue(
                    1,
                    () -> {
                      computations.incrementAndGet();
                      computing.countDown();
                      fail.await();
                      throw boom;
                    }));
    assertThat(computing.await(10, TimeUnit.SECONDS)).isTrue();

    AtomicReference<Thread> waiterThread = new AtomicReference<>();
    Future<Object> waiter =
        pool.submit(
            () -> {
              waiterThread.set(Thread.currentThread());
              return blocks.getOrComputeValue(
                  1,
                  () -> {
                    computations.incrementAndGet();
                    return "should not run";
                  });
            });
    // Let the first computation fail only once the second caller is parked waiting for it.
    await("the second caller parked waiting for the first's computation")
        .atMost(Duration.ofSeconds(10))
        .until(() -> parkedIn(waiterThread.get(), "getOrComputeValue"));
    fail.countDown();

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(boom);
    assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(boom);
    assertThat(computations.get()).isEqualTo(1);
    assertThat(blocks.hasValue(1)).isFalse();
    assertThat(blocks.getOrComputeValue(1, () -> "recovered")).isEqualTo("recovered");
  }

  @Test
  void putValueIsReturnedWithoutComputing() throws Exception {
    blocks.putValue(3, "driver's own");
    assertThat(blocks.hasValue(3)).isTrue();
    assertThat(blocks.getOrComputeValue(3, () -> "fetched")).isEqualTo("driver's own");
  }

  @Test
  void removeBroadcastDropsValueAndPieces() throws Exception {
    ByteBuf p0 = buf(1, 2, 3);
    ByteBuf p1 = buf(4, 5);
    blocks.putPiece(1, 0, p0);
    blocks.putPiece(1, 1, p1);
    blocks.putValue(1, "v");
    assertThat(blocks.bytesStored()).isEqualTo(5);

    assertThat(blocks.removeBroadcast(1)).isEqualTo(2);

    assertThat(blocks.hasValue(1)).isFalse();
    assertThat(blocks.hasPiece(1, 0)).isFalse();
    assertThat(blocks.bytesStored()).isZero();
    assertThat(p0.refCnt()).isZero();
    assertThat(p1.refCnt()).isZero();
  }

  @Test
  void piecesHeldReportsTheStoredPieces() {
    blocks.putPiece(1, 0, buf(0));
    blocks.putPiece(1, 2, buf(2));
    blocks.putPiece(1, 9, buf(9));
    BitSet held = blocks.piecesHeld(1, 4);
    BitSet expected = new BitSet();
    expected.set(0);
    expected.set(2);
    assertThat(held).isEqualTo(expected);
    assertThat(blocks.piecesHeld(2, 4)).isEqualTo(new BitSet());
  }

  @Test
  void putPieceReportsDuplicates() {
    ByteBuf dup = buf(1);
    assertThat(blocks.putPiece(1, 0, buf(0))).isTrue();
    assertThat(blocks.putPiece(1, 0, dup)).isFalse();
    assertThat(dup.refCnt()).isZero();
  }

  @Test
  void awaitPieceWaitsUntilThePieceIsStored() throws Exception {
    CompletableFuture<Void> fetch = new CompletableFuture<>();
    blocks.putPiece(1, 0, buf(1)); // another piece arriving does not end the wait
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<ByteBuf> waiting =
        pool.submit(
            () -> {
              waiter.set(Thread.currentThread());
              return blocks.awaitPiece(1, 1, fetch);
            });
    // Parked in awaitPiece after looking for piece 1: had it returned instead, the task would be
    // done.
    await("the reader parked in awaitPiece")
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.looks(1, 1) >= 1 && parkedIn(waiter.get(), "awaitPiece"));
    assertThat(waiting.isDone()).as("returned before piece 1 was stored").isFalse();
    int looked = store.looks(1, 1);
    blocks.putPiece(2, 1, buf(2)); // nor does the same index of another broadcast
    // That piece wakes the reader, which looks again and parks again.
    await("the reader looked again and parked again")
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.looks(1, 1) > looked && parkedIn(waiter.get(), "awaitPiece"));
    assertThat(waiting.isDone()).as("returned on another broadcast's piece 1").isFalse();

    ByteBuf p1 = buf(11);
    blocks.putPiece(1, 1, p1);
    ByteBuf got = waiting.get(5, TimeUnit.SECONDS);
    assertThat(got.getByte(got.readerIndex())).isEqualTo((byte) 11);
    assertThat(p1.refCnt()).isEqualTo(2);
    got.release();
    assertThat(fetch.isDone()).isFalse();
  }

  @Test
  void awaitPieceGivesUpWhenItsFutureCompletesWithoutThePiece() throws Exception {
    CompletableFuture<Void> fetch = new CompletableFuture<>();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Future<ByteBuf> waiting =
        pool.submit(
            () -> {
              waiter.set(Thread.currentThread());
              return blocks.awaitPiece(1, 0, fetch);
            });
    await("the reader parked in awaitPiece")
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.looks(1, 0) >= 1 && parkedIn(waiter.get(), "awaitPiece"));
    assertThat(waiting.isDone()).as("returned before its future completed").isFalse();
    fetch.completeExceptionally(new IOException("driver gone"));
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void awaitPieceReturnsAStoredPieceAtOnceEvenAfterItsFutureCompleted() throws Exception {
    blocks.putPiece(1, 0, buf(5));
    ByteBuf got =
        blocks.awaitPiece(1, 0, CompletableFuture.failedFuture(new IOException("failed later")));
    assertThat(got.getByte(got.readerIndex())).isEqualTo((byte) 5);
    got.release();
  }

  @Test
  void getPieceReturnsAReferenceTheCallerReleases() {
    ByteBuf p0 = buf(7, 8);
    blocks.putPiece(4, 0, p0);
    ByteBuf got = blocks.getPiece(4, 0);
    assertThat(got.readableBytes()).isEqualTo(2);
    got.release();
    assertThat(p0.refCnt()).isEqualTo(1);
    assertThat(blocks.getPiece(4, 1)).isNull();
  }

  @Test
  void closeDropsEverything() {
    ByteBuf p0 = buf(1);
    blocks.putPiece(1, 0, p0);
    blocks.putValue(1, "v");
    blocks.close();
    assertThat(p0.refCnt()).isZero();
    assertThat(blocks.hasValue(1)).isFalse();
    assertThat(blocks.bytesStored()).isZero();
  }
}
