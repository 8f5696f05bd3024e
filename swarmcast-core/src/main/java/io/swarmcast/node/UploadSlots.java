package io.swarmcast.node;

import io.swarmcast.transport.Connection;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's piece uploads: at most {@code slots} being written at once, the others waiting in the order
 * they were asked for.
 *
 * <p>Why not all at once: a host's link is shared fairly between the peers it sends to, and a piece
 * can be forwarded only once it has arrived whole. Sending N pieces to N peers in parallel delivers
 * each of them N times later than sending them one after another at the full rate, and in a swarm that
 * delay is paid again at every hop. Whatever is still in that pipeline when the driver sends its last
 * byte is the broadcast's tail. A few uploads at a time keep the link busy (the next write starts while
 * the last one drains) and let a piece's first recipients forward it while later askers still wait —
 * the reason BitTorrent has upload slots too.
 *
 * <p>An upload holds its slot until the socket has taken the whole piece. The transport sets
 * {@code TCP_NOTSENT_LOWAT} (see {@code TransportContext}), so the socket takes little more than what
 * is already on its way, and a slot frees about when its piece has left the host.
 *
 * <p>Bounded: at most {@code maxPerConnection} uploads wait or run for one connection; beyond that
 * {@link #offer} refuses, so a peer cannot make a node queue without limit. A queued upload whose
 * connection has closed is skipped. An upload the socket has not taken within {@code writeDeadline}
 * (the receiver stopped reading) closes its connection, which fails the write and frees the slot:
 * a few stalled receivers must not stop a node's uploads to everyone else. Thread-safe.
 */
final class UploadSlots {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSlots.class);

  /** One upload, started when a slot is free. */
  interface Upload {
    /**
     * Sends its piece and returns the future of the write; or sends only a small answer (the piece is
     * gone, the driver has nothing left) and returns null, which frees the slot at once.
     */
    CompletableFuture<Void> start();
  }

  private record Entry(Connection to, Upload upload) {}

  private final int slots;
  private final int maxWaiting;
  private final int maxPerConnection;
  private final java.time.Duration writeDeadline;
  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  private final Map<Connection, Integer> perConnection = new HashMap<>();
  private int running;

  /** Refuses uploads once {@code maxWaiting} wait for a slot, whoever asks (see {@link #offer}). */
  UploadSlots(int slots, int maxWaiting, int maxPerConnection, java.time.Duration writeDeadline) {
    if (slots < 1 || maxWaiting < 0 || maxPerConnection < 1 || writeDeadline.isNegative() || writeDeadline.isZero()) {
      throw new IllegalArgumentException("slots, maxPerConnection and writeDeadline must be positive and maxWaiting "
          + "not negative: " + slots + ", " + maxPerConnection + ", " + writeDeadline + ", " + maxWaiting);
    }
    this.slots = slots;
    this.maxWaiting = maxWaiting;
    this.maxPerConnection = maxPerConnection;
    this.writeDeadline = writeDeadline;
  }

  /**
   * Queues an upload for {@code to}; false, queuing nothing, if {@code to} already has its maximum, or
   * if every slot is taken and {@code maxWaiting} uploads already wait: the asker is better off asking
   * another holder than queuing behind them.
   */
  boolean offer(Connection to, Upload upload) {
    synchronized (this) {
      int n = perConnection.getOrDefault(to, 0);
      if (n >= maxPerConnection || running + waiting.size() >= slots + (long) maxWaiting) {
        return false;
      }
      perConnection.put(to, n + 1);
      waiting.add(new Entry(to, upload));
    }
    drain();
    return true;
  }

  /** Uploads waiting for a slot. */
  synchronized int waiting() {
    return waiting.size();
  }

  /** Uploads holding a slot. */
  synchronized int running() {
    return running;
  }

  /** Starts waiting uploads while slots are free. Uploads that finish at once are handled in the loop, not by recursion. */
  private void drain() {
    while (true) {
      Entry next;
      synchronized (this) {
        if (running >= slots || waiting.isEmpty()) {
          return;
        }
        next = waiting.poll();
        running++;
      }
      CompletableFuture<Void> written = null;
      try {
        written = next.to().isActive() ? next.upload().start() : null;
      } catch (RuntimeException e) {
        LOG.warn("upload to {} failed to start", next.to(), e);
      }
      if (written == null || written.isDone()) {
        finished(next);
        continue;
      }
      CompletableFuture<Void> write = written;
      var deadline = next.to().schedule(() -> {
        if (!write.isDone()) {
          LOG.warn("{} took no piece for {} ms; closing it", next.to(), writeDeadline.toMillis());
          next.to().close();
        }
      }, writeDeadline);
      write.whenComplete((v, e) -> {
        if (deadline != null) {
          deadline.cancel(false);
        }
        finished(next);
        drain();
      });
    }
  }

  private synchronized void finished(Entry e) {
    running--;
    perConnection.computeIfPresent(e.to(), (k, n) -> n <= 1 ? null : n - 1);
  }
}
