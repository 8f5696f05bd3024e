package io.swarmcast.spark;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one wait of the Spark applications these tests submit ({@link BroadcastDigestJob}, {@link
 * SideBySideBench}): they run in spark-submit's JVM, where the tests' Awaitility is not on the
 * class path, so they poll Spark's own state with this instead of loops of their own.
 */
final class AppWait {
  private static final long POLL_MILLIS = 100;

  private AppWait() {}

  /**
   * Polls {@code done} until it holds, running {@code between} before each new look.
   *
   * @return whether {@code done} held within {@code timeout}
   */
  static boolean poll(BooleanSupplier done, Duration timeout, Runnable between)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      between.run();
      Thread.sleep(POLL_MILLIS);
    }
    return true;
  }

  /**
   * Polls {@code done} until it holds.
   *
   * @throws IllegalStateException with {@code failure}'s message if it did not within {@code
   *     timeout}, or at once if {@code gaveUp} holds
   */
  static void until(
      BooleanSupplier done, Duration timeout, BooleanSupplier gaveUp, Supplier<String> failure)
      throws InterruptedException {
    boolean[] stopped = {false}; // the outcome as poll saw it, not asked again
    boolean held =
        poll(() -> done.getAsBoolean() || (stopped[0] = gaveUp.getAsBoolean()), timeout, () -> {});
    if (!held || stopped[0]) {
      throw new IllegalStateException(failure.get());
    }
  }
}
