package io.swarmcast.node;

import io.swarmcast.swarm.UploadQueue;
import io.swarmcast.transport.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's piece uploads over its connections: the {@link UploadQueue} policy (a few slots, the
 * others waiting in order, bounded per connection and in all), run against real writes.
 *
 * <p>An upload holds its slot until the socket has taken the whole piece. The transport sets {@code
 * TCP_NOTSENT_LOWAT} (see {@code TransportContext}), so the socket takes little more than what is
 * already on its way, and a slot frees about when its piece has left the host.
 *
 * <p>A queued upload whose connection has closed is skipped. An upload the socket has not taken
 * within {@code writeDeadline} (the receiver stopped reading) closes its connection, which fails
 * the write and frees the slot: a few stalled receivers must not stop a node's uploads to everyone
 * else. Thread-safe.
 */
final class UploadSlots {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSlots.class);

  /** One upload, started when a slot is free. */
  interface Upload {
    /**
     * Sends its piece and returns the future of the write; or sends only a small answer (the piece
     * is gone, the driver has nothing left) and returns null, which frees the slot at once.
     */
    CompletableFuture<Void> start();

    /**
     * Asked once {@link #start} returned: completes when the receiver has confirmed the upload (the
     * driver's pieces, see {@code DeliveryReceipts}); null, the default, if it needs no
     * confirmation.
     */
    default CompletableFuture<?> confirmed() {
      return null;
    }
  }

  private final UploadQueue<Connection, Upload> queue;
  private final Duration writeDeadline;

  /** Refuses uploads once {@code maxWaiting} wait for a slot, whoever asks (see {@link #offer}). */
  UploadSlots(int slots, int maxWaiting, int maxPerConnection, Duration writeDeadline) {
    this(slots, maxWaiting, maxPerConnection, Integer.MAX_VALUE, writeDeadline);
  }

  /** {@code maxUnconfirmed}: see {@link UploadQueue#UploadQueue(int, int, int, int)}. */
  UploadSlots(
      int slots, int maxWaiting, int maxPerConnection, int maxUnconfirmed, Duration writeDeadline) {
    if (writeDeadline.isNegative() || writeDeadline.isZero()) {
      throw new IllegalArgumentException("writeDeadline must be positive: " + writeDeadline);
    }
    this.queue = new UploadQueue<>(slots, maxWaiting, maxPerConnection, maxUnconfirmed);
    this.writeDeadline = writeDeadline;
  }

  /**
   * Queues an upload for {@code to}; false, queuing nothing, if the policy refuses it (see {@link
   * UploadQueue#offer}).
   */
  boolean offer(Connection to, Upload upload) {
    synchronized (this) {
      if (!queue.offer(to, upload)) {
        return false;
      }
    }
    drain();
    return true;
  }

  /** Uploads waiting for a slot. */
  synchronized int waiting() {
    return queue.waiting();
  }

  /** Uploads holding a slot. */
  synchronized int running() {
    return queue.running();
  }

  /**
   * Starts waiting uploads while slots are free. Uploads that finish at once are handled in the
   * loop, not by recursion.
   */
  private void drain() {
    while (true) {
      UploadQueue.Started<Connection, Upload> next;
      synchronized (this) {
        next = queue.poll();
      }
      if (next == null) {
        return;
      }
      Connection to = next.requester();
      CompletableFuture<Void> written = null;
      try {
        written = to.isActive() ? next.upload().start() : null;
      } catch (RuntimeException e) {
        LOG.warn("upload to {} failed to start", to, e);
      }
      CompletableFuture<?> confirmed = written == null ? null : next.upload().confirmed();
      if (confirmed == null) {
        confirmed(); // nothing sent, or nothing to wait for
      } else {
        confirmed.whenComplete(
            (v, e) -> {
              confirmed();
              drain();
            });
      }
      if (written == null || written.isDone()) {
        finished(next);
        continue;
      }
      CompletableFuture<Void> write = written;
      var deadline =
          to.schedule(
              () -> {
                if (!write.isDone()) {
                  LOG.warn("{} took no piece for {} ms; closing it", to, writeDeadline.toMillis());
                  to.close();
                }
              },
              writeDeadline);
      UploadQueue.Started<Connection, Upload> started = next;
      write.whenComplete(
          (v, e) -> {
            if (deadline != null) {
              deadline.cancel(false);
            }
            finished(started);
            drain();
          });
    }
  }

  private synchronized void finished(UploadQueue.Started<Connection, Upload> e) {
    queue.finished(e);
  }

  private synchronized void confirmed() {
    queue.confirmed();
  }
}
