package io.swarmcast.node;

import io.swarmcast.transport.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's pieces that have left but are not yet known to have arrived. The driver starts no
 * new upload while {@code swarmcast.driver.maxPiecesInFlight} of them await their executor's
 * announcement, whatever its upload slots say (those free when the socket has taken a piece).
 *
 * <p>Why: the socket takes a piece long before it arrives. A connection's kernel buffer holds about
 * a piece (what TCP keeps in flight plus {@code TCP_NOTSENT_LOWAT}), so a write completes at once,
 * the slot frees, and the next piece goes to the next executor. With thousands of executors asking,
 * the driver then sends to all of them at once, each at a thousandth of its link, and nobody holds
 * a whole piece to forward until nearly the end. Simulated at 1,000 executors that was 2.3× size ÷
 * bandwidth, and the first pieces arrived at 1×. Holding the slot until the piece is announced
 * keeps the driver's pieces few and fast, whatever the socket buffers.
 *
 * <p>An executor announces a piece from the driver even when it already held it, so the receipt
 * still comes. A receipt that does not come within {@code timeout} of the write (the executor
 * stopped fetching, or is overloaded) counts as come: the bound is never used up for good.
 * Thread-safe.
 */
final class DeliveryReceipts {
  private record Key(Connection to, long broadcastId, int piece) {}

  private final Map<Key, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
  private final Duration timeout;

  DeliveryReceipts(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * Registers the receipt of a piece about to be written to {@code to}; returns a future that the
   * executor's announcement completes with true, or with false once the write failed, the receipt
   * timed out ({@link #written}) or the connection closed.
   */
  CompletableFuture<Boolean> expect(Connection to, long broadcastId, int piece) {
    CompletableFuture<Boolean> receipt = new CompletableFuture<>();
    pending.put(new Key(to, broadcastId, piece), receipt);
    return receipt;
  }

  /**
   * The write of a piece whose receipt was {@link #expect}ed ended ({@code failure} null if it
   * succeeded): a failed one needs no receipt; a written one waits at most {@code timeout} more for
   * it.
   */
  void written(
      Connection to,
      long broadcastId,
      int piece,
      CompletableFuture<Boolean> receipt,
      Throwable failure) {
    Key key = new Key(to, broadcastId, piece);
    if (failure != null || receipt.isDone()) {
      expire(key, receipt);
    } else if (to.schedule(() -> expire(key, receipt), timeout) == null) {
      expire(key, receipt); // the node is closing: nothing will be announced
    }
  }

  /** {@code from} announced {@code piece}: its receipt completes with true. */
  void announced(Connection from, long broadcastId, int piece) {
    CompletableFuture<Boolean> r = pending.remove(new Key(from, broadcastId, piece));
    if (r != null) {
      r.complete(true);
    }
  }

  /** {@code c} closed: nothing more will be announced on it. */
  void closed(Connection c) {
    pending
        .entrySet()
        .removeIf(
            e -> {
              if (e.getKey().to() == c) {
                e.getValue().complete(false);
                return true;
              }
              return false;
            });
  }

  /** Receipts still awaited. */
  int pending() {
    return pending.size();
  }

  private void expire(Key key, CompletableFuture<Boolean> receipt) {
    pending.remove(key, receipt);
    receipt.complete(false);
  }
}
