package io.swarmcast.sim;

import io.swarmcast.node.DriverNode;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.swarm.StripeParents;
import io.swarmcast.swarm.UploadQueue;
import io.swarmcast.tracker.NoticeSender;
import io.swarmcast.tracker.Tracker;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The driver in a simulation: the real {@link Tracker} (executors, ledger, {@code Have} relay, the
 * driver's piece choice) behind the real {@link UploadQueue} policy, answering what the simulated
 * executors send as {@code DriverNode} does. Its notices and answers go over the modelled network
 * at their encoded sizes, and the time spent inside the tracker is measured.
 */
final class SimDriver implements NoticeSender {
  static final long BROADCAST_ID = 1;

  private final Simulation sim;
  final FlowNetwork.Host host;
  final Tracker tracker;
  private final UploadQueue<Integer, Upload> uploads;
  private final int[] pieceSizes;
  private final int fetchAnyFrame;

  /** Pieces it has begun to send at least once. */
  private final BitSet sent = new BitSet();

  /** Wall-clock nanoseconds spent inside the tracker's methods. */
  long trackerNanos;

  long trackerCalls;
  long locationsBytes;
  long locationsAnswered;
  long haveNotices;

  private static final long RECEIPT_TIMEOUT = DriverNode.RECEIPT_TIMEOUT.toNanos();

  /** Pieces sent and not yet announced, by executor and piece: each holds an upload slot. */
  private final Map<Long, Receipt> receipts = new HashMap<>();

  /** Bytes of the driver's answers to registrations: once per executor, not per broadcast. */
  long joinBytes;

  private record Receipt(SimExecutor to, int piece, long writtenAt) {}

  /** A request for any piece, waiting for an upload slot. */
  private record Upload(SimExecutor from, long token, BitSet exclude, boolean allowDuplicate) {}

  SimDriver(
      Simulation sim,
      FlowNetwork.Host host,
      int[] pieceSizes,
      int uploadSlots,
      int maxPiecesInFlight,
      long seed,
      long spareCopyBytes,
      int neighbours) {
    this.sim = sim;
    this.host = host;
    this.pieceSizes = pieceSizes;
    this.tracker = new Tracker(this, new SplittableRandom(seed), neighbours);
    // The driver queues every request (no "busy"), at most so many per connection, as DriverNode
    // does.
    this.uploads =
        new UploadQueue<>(
            uploadSlots,
            Integer.MAX_VALUE,
            SwarmNode.MAX_PIECES_QUEUED_PER_CONNECTION,
            maxPiecesInFlight);
    long total = 0;
    for (int s : pieceSizes) {
      total += s;
    }
    tracker.addBroadcast(
        BROADCAST_ID,
        pieceSizes.length,
        true,
        Tracker.spareCopies(total, pieceSizes.length, spareCopyBytes));
    this.fetchAnyFrame = Frames.fetchAny(pieceSizes.length, new BitSet());
  }

  /** Distinct pieces it has begun to send. */
  int piecesSent() {
    return sent.cardinality();
  }

  int fetchAnyFrame() {
    return fetchAnyFrame;
  }

  /** An executor joins: the tracker gives it its id. */
  int register(String hostName, int port) {
    long t0 = System.nanoTime();
    int id = tracker.register(hostName, port).id();
    timed(t0);
    return id;
  }

  /** The driver noticed that an executor's connection closed. */
  void unregister(int executorId) {
    long t0 = System.nanoTime();
    tracker.unregister(executorId);
    timed(t0);
  }

  @Override
  public void have(int executorId, Have notice) {
    SimExecutor to = sim.executor(executorId);
    if (to != null) {
      haveNotices++;
      sim.network.control(host, to.host, Frames.of(notice), () -> to.onHave(notice));
    }
  }

  void onAnnounce(SimExecutor from, int piece) {
    Receipt r = receipts.get(key(from, piece));
    if (r != null) {
      long t = System.nanoTime();
      tracker.delivered(from.id, pieceSizes[piece], sim.loop.now() - r.writtenAt);
      timed(t);
      release(r);
    }
    recorded(() -> tracker.announce(from.id, BROADCAST_ID, piece));
  }

  void onAnnounceMany(SimExecutor from, BitSet pieces) {
    recorded(() -> tracker.announce(from.id, BROADCAST_ID, pieces));
  }

  /**
   * Runs an announcement through the tracker, timed, and tells the simulation once the swarm is
   * seeded.
   */
  private void recorded(Runnable announcement) {
    long t0 = System.nanoTime();
    announcement.run();
    boolean seeded = tracker.isSeeded(BROADCAST_ID);
    timed(t0);
    if (seeded) {
      sim.seeded();
    }
  }

  /** Executors given their stripe parents already. */
  private final Set<Integer> stripeAnswered = new HashSet<>();

  void leafOnly(int executorId) {
    tracker.leafOnly(executorId);
  }

  void onGetLocations(SimExecutor from) {
    long t0 = System.nanoTime();
    Locations answer = tracker.locations(1, from.id, BROADCAST_ID).orElseThrow();
    StripeParents parents = null;
    int stripeBytes = 0;
    if (sim.stripes() > 0) {
      // The stripe parents first, then the tracker's usual names (neighbours in the mesh, for a
      // stripe whose parent is lost). Real nodes would carry the parents in the answer: counted as
      // an executor id per stripe on top of the names.
      parents = tracker.stripeParents(from.id, BROADCAST_ID, sim.stripes()).orElseThrow();
      List<Locations.Holder> names = new ArrayList<>();
      Set<Integer> named = new HashSet<>();
      for (int st = 0; st < parents.stripes(); st++) {
        int p = parents.parent(st);
        if (p != StripeParents.DRIVER && named.add(p)) {
          names.add(tracker.holderName(p).orElseThrow());
        }
      }
      // The tracker's usual names only to an executor that asks again (it lost a parent and opened
      // a stripe): at first it keeps its parents alone, and 4 names more to each of 10,000
      // executors were a fifth of the driver's control bytes.
      if (!stripeAnswered.add(from.id)) {
        for (Locations.Holder h : answer.holders()) {
          if (named.add(h.executorId())) {
            names.add(h);
          }
        }
      }
      answer = new Locations(1, BROADCAST_ID, 0, names);
      stripeBytes = 4 * parents.stripes() + 1; // and a byte of which parents are roots
    }
    timed(t0);
    Locations loc = answer;
    StripeParents stripeParents = parents;
    int bytes = Frames.of(loc) + stripeBytes;
    locationsBytes += bytes;
    locationsAnswered++;
    sim.network.control(host, from.host, bytes, () -> from.onLocations(loc, stripeParents));
  }

  void onFetchAny(SimExecutor from, long token, BitSet exclude, boolean allowDuplicate) {
    if (!uploads.offer(from.id, new Upload(from, token, exclude, allowDuplicate))) {
      sim.network.control(host, from.host, Frames.BUSY, () -> from.onBusy(token));
      return;
    }
    drain();
  }

  /**
   * Starts waiting uploads while slots are free; the piece is chosen when its slot frees, as on a
   * real driver.
   */
  private void drain() {
    if (!host.alive) {
      return;
    }
    UploadQueue.Started<Integer, Upload> next;
    while ((next = uploads.poll()) != null) {
      Upload u = next.upload();
      long t0 = System.nanoTime();
      int piece =
          u.from.host.alive
              ? tracker.choosePieceToSend(BROADCAST_ID, u.from.id, u.exclude, u.allowDuplicate)
              : -1;
      timed(t0);
      if (!u.from.host.alive) {
        uploads.finished(next);
        uploads.confirmed();
      } else if (piece == Tracker.NOT_NOW) {
        // It lags behind the swarm: answered busy, as DriverNode does, and asks again later.
        uploads.finished(next);
        uploads.confirmed();
        sim.network.control(host, u.from.host, Frames.BUSY, () -> u.from.onBusy(u.token));
      } else if (piece < 0) {
        uploads.finished(next);
        uploads.confirmed();
        sim.network.control(host, u.from.host, Frames.ACK, () -> u.from.onDriverDeclined(u.token));
      } else {
        // The slot frees when the write completes; the piece stays in flight until the executor
        // announces it, or RECEIPT_TIMEOUT after the write, or the executor dies: as DriverNode's
        // DeliveryReceipts do.
        UploadQueue.Started<Integer, Upload> started = next;
        Receipt receipt = new Receipt(u.from, piece, sim.loop.now());
        sent.set(piece);
        receipts.put(key(u.from, piece), receipt);
        sim.network.send(
            host,
            u.from.host,
            Frames.piece(pieceSizes[piece]),
            () -> {
              uploads.finished(started);
              sim.loop.after(RECEIPT_TIMEOUT, () -> release(receipt));
              drain();
            },
            () -> u.from.onPieceArrived(u.token, piece, true));
      }
    }
  }

  /** A piece in flight is confirmed (or given up on), once. */
  private void release(Receipt r) {
    if (receipts.remove(key(r.to, r.piece), r)) {
      uploads.confirmed();
      drain();
    }
  }

  /** An executor died: nothing more will be announced by it. */
  void lost(SimExecutor e) {
    for (Receipt r : List.copyOf(receipts.values())) {
      if (r.to == e) {
        release(r);
      }
    }
  }

  private static long key(SimExecutor e, int piece) {
    return ((long) e.id << 32) | piece;
  }

  /** The driver's process ends: its uploads stop and every executor sees its connection close. */
  void die() {
    sim.network.kill(host);
  }

  private void timed(long t0) {
    trackerNanos += System.nanoTime() - t0;
    trackerCalls++;
  }
}
