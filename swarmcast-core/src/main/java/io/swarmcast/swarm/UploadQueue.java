package io.swarmcast.swarm;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The upload-slot policy of a node, with no I/O: at most {@code slots} uploads run at once, the
 * others wait in the order they were offered; at most {@code maxPerRequester} wait or run for one
 * requester, and once every slot is taken at most {@code maxWaiting} wait in all. A refused offer
 * is answered "busy", and the requester asks another holder rather than queue behind the others.
 *
 * <p>Why a few slots and not one upload per request: a host's link is shared fairly between the
 * peers it sends to, and a piece can be forwarded only once it has arrived whole. Sending N pieces
 * to N peers in parallel delivers each of them N times later than sending them one after another at
 * the full rate, and in a swarm that delay is paid again at every hop. A few uploads at a time keep
 * the link busy and let a piece's first recipients forward it while later askers still wait — the
 * reason BitTorrent has upload slots too.
 *
 * <p>The node's {@code UploadSlots} runs it against real connections; a simulation runs it against
 * simulated ones. Not thread-safe: its owner locks.
 *
 * @param <K> who asked (a connection)
 * @param <U> what to upload
 */
public final class UploadQueue<K, U> {
  /** An upload taken from the queue: it holds a slot until {@link #finished} is called with it. */
  public record Started<K, U>(K requester, U upload) {}

  private final int slots;
  private final int maxWaiting;
  private final int maxPerRequester;
  private final int maxUnconfirmed;
  private final ArrayDeque<Started<K, U>> waiting = new ArrayDeque<>();
  private final Map<K, Integer> perRequester = new HashMap<>();
  private int running;
  private int unconfirmed;

  /** With no bound on uploads awaiting confirmation. */
  public UploadQueue(int slots, int maxWaiting, int maxPerRequester) {
    this(slots, maxWaiting, maxPerRequester, Integer.MAX_VALUE);
  }

  /**
   * {@code maxUnconfirmed}: uploads started and not yet {@link #confirmed} (the receiver has not
   * said it stored them) beyond which none starts, whatever slots are free. A slot frees when the
   * socket took the piece, which for a small piece is at once: on the driver, without this bound, a
   * thousand executors asking at once get a thousand pieces at once, each at a thousandth of its
   * link.
   */
  public UploadQueue(int slots, int maxWaiting, int maxPerRequester, int maxUnconfirmed) {
    if (slots < 1 || maxWaiting < 0 || maxPerRequester < 1) {
      throw new IllegalArgumentException(
          "slots and maxPerRequester must be positive and maxWaiting not negative: "
              + slots
              + ", "
              + maxPerRequester
              + ", "
              + maxWaiting);
    }
    this.slots = slots;
    this.maxWaiting = maxWaiting;
    this.maxPerRequester = maxPerRequester;
    if (maxUnconfirmed < 1) {
      throw new IllegalArgumentException("maxUnconfirmed must be positive: " + maxUnconfirmed);
    }
    this.maxUnconfirmed = maxUnconfirmed;
  }

  /**
   * Queues {@code upload} for {@code requester}; false, queuing nothing, if the requester already
   * has its maximum, or if every slot is taken and {@code maxWaiting} uploads already wait.
   */
  public boolean offer(K requester, U upload) {
    int n = perRequester.getOrDefault(requester, 0);
    if (n >= maxPerRequester || running + waiting.size() >= slots + (long) maxWaiting) {
      return false;
    }
    perRequester.put(requester, n + 1);
    waiting.add(new Started<>(requester, upload));
    return true;
  }

  /**
   * The next upload to start, which now holds a slot and counts as unconfirmed until {@link
   * #confirmed}; null if every slot is taken, {@code maxUnconfirmed} uploads await confirmation, or
   * nothing waits.
   */
  public Started<K, U> poll() {
    if (running >= slots || unconfirmed >= maxUnconfirmed || waiting.isEmpty()) {
      return null;
    }
    running++;
    unconfirmed++;
    return waiting.poll();
  }

  /** An upload from {@link #poll} was confirmed, or needs no confirmation: call once per upload. */
  public void confirmed() {
    unconfirmed--;
  }

  /** Uploads started and not yet confirmed. */
  public int unconfirmed() {
    return unconfirmed;
  }

  /** {@code started} has ended (sent, failed or skipped): its slot is free. */
  public void finished(Started<K, U> started) {
    running--;
    perRequester.computeIfPresent(started.requester(), (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Uploads waiting for a slot. */
  public int waiting() {
    return waiting.size();
  }

  /** Uploads holding a slot. */
  public int running() {
    return running;
  }
}
