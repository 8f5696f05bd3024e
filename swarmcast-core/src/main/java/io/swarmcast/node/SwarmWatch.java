package io.swarmcast.node;

import io.swarmcast.protocol.FetchReport;
import io.swarmcast.tracker.BroadcastPieces;
import io.swarmcast.tracker.ExecutorInfo;
import io.swarmcast.tracker.Tracker;
import io.swarmcast.ui.JsonWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the driver shows of its swarm (the live page, {@code swarmcast status}): the tracker's piece
 * maps, each executor's {@link FetchReport}s (time, bytes by source, who sent to whom, corrupt
 * pieces, banned peers), and each executor's receive rate over the last minute, sampled from the
 * piece maps. It adds nothing to the swarm's traffic but the one report per fetch.
 *
 * <p>Its JSON ({@link #json}) shows executors a page at a time, so a page of 1,000 executors costs
 * what a page of 64 does; the counts cover them all. Thread-safe.
 */
final class SwarmWatch {
  /** Rate samples kept per executor: one a second, a minute's worth. */
  static final int RATE_SAMPLES = 60;

  private final Tracker tracker;

  /** The driver's own figures for the page's header. */
  private final SwarmNode driver;

  private final Map<Long, Long> sizes = new ConcurrentHashMap<>();
  private final Map<Long, Map<Integer, FetchReport>> reports = new ConcurrentHashMap<>();

  /** Per executor: bytes held at each of the last samples, oldest first; guarded by this. */
  private final Map<Integer, Deque<Long>> heldHistory = new HashMap<>();

  private long lastSampleNanos;

  SwarmWatch(Tracker tracker, SwarmNode driver) {
    this.tracker = tracker;
    this.driver = driver;
  }

  void added(long broadcastId, long totalBytes) {
    sizes.put(broadcastId, totalBytes);
  }

  void removed(long broadcastId) {
    sizes.remove(broadcastId);
    reports.remove(broadcastId);
  }

  /**
   * An executor's report of a fetch; one for a broadcast the driver no longer tracks is dropped.
   */
  void reported(int executorId, FetchReport r) {
    if (sizes.containsKey(r.broadcastId()) && tracker.knows(r.broadcastId())) {
      reports.computeIfAbsent(r.broadcastId(), k -> new ConcurrentHashMap<>()).put(executorId, r);
    }
  }

  /** The latest report of each executor for a broadcast. */
  Map<Integer, FetchReport> reports(long broadcastId) {
    return Map.copyOf(reports.getOrDefault(broadcastId, Map.of()));
  }

  /** Samples every executor's held bytes, at most once a second (the page's rate graphs). */
  synchronized void sample() {
    long now = System.nanoTime();
    if (lastSampleNanos != 0 && now - lastSampleNanos < 950_000_000L) {
      return;
    }
    lastSampleNanos = now;
    Map<Integer, Long> held = new HashMap<>();
    for (long id : tracker.broadcastIds()) {
      int pieceCount = tracker.pieceCount(id);
      Long size = sizes.get(id);
      if (pieceCount <= 0 || size == null) {
        continue;
      }
      double pieceBytes = (double) size / pieceCount;
      tracker
          .piecesHeldCounts(id)
          .forEach((e, count) -> held.merge(e, (long) (count * pieceBytes), Long::sum));
    }
    heldHistory.keySet().retainAll(held.keySet());
    held.forEach(
        (e, bytes) -> {
          Deque<Long> h = heldHistory.computeIfAbsent(e, k -> new ArrayDeque<>());
          h.addLast(bytes);
          while (h.size() > RATE_SAMPLES + 1) {
            h.removeFirst();
          }
        });
  }

  /** Bytes per second each sample interval, oldest first; negative steps (a removal) count as 0. */
  private synchronized List<Long> rates(int executorId) {
    Deque<Long> h = heldHistory.get(executorId);
    List<Long> out = new ArrayList<>();
    if (h != null) {
      Long prev = null;
      for (long v : h) {
        if (prev != null) {
          out.add(Math.max(0, v - prev));
        }
        prev = v;
      }
    }
    return out;
  }

  /**
   * The swarm as JSON: the driver, every broadcast with its counts, and for executors {@code offset
   * .. offset+limit} (by id) their piece maps, reports, who sent them what, and rates.
   */
  String json(int offset, int limit) {
    sample();
    List<ExecutorInfo> all = tracker.executors();
    int from = Math.max(0, Math.min(offset, all.size()));
    List<ExecutorInfo> page = all.subList(from, Math.min(all.size(), from + Math.max(0, limit)));
    JsonWriter w = new JsonWriter().beginObject();
    w.name("time").value(System.currentTimeMillis());
    w.name("driver")
        .beginObject()
        .name("host")
        .value(driver.endpoint().host())
        .name("port")
        .value(driver.endpoint().port())
        .name("heldBytes")
        .value(driver.blocks.bytesStored())
        .name("sentBytes")
        .value(driver.stats.total().servedBytes())
        .endObject();
    w.name("executorCount").value(all.size()).name("offset").value(from).name("limit").value(limit);
    w.name("executors").beginArray();
    for (ExecutorInfo e : page) {
      w.beginObject()
          .name("id")
          .value(e.id())
          .name("host")
          .value(e.host())
          .name("port")
          .value(e.port());
      w.name("rate").beginArray();
      rates(e.id()).forEach(w::value);
      w.endArray().endObject();
    }
    w.endArray();
    w.name("broadcasts").beginArray();
    List<Integer> pageIds = page.stream().map(ExecutorInfo::id).toList();
    for (long id : tracker.broadcastIds()) {
      BroadcastPieces p = tracker.pieces(id, pageIds);
      if (p != null) {
        writeBroadcast(w, p, tracker.piecesHeldCounts(id), page);
      }
    }
    return w.endArray().endObject().toString();
  }

  /**
   * One broadcast: counts over the whole swarm ({@code heldCounts}), piece maps for {@code page}
   * ({@code p}).
   */
  private void writeBroadcast(
      JsonWriter w, BroadcastPieces p, Map<Integer, Integer> heldCounts, List<ExecutorInfo> page) {
    Map<Integer, FetchReport> byExecutor = reports(p.broadcastId());
    int complete = 0;
    int verified = 0;
    int failed = 0;
    for (int count : heldCounts.values()) {
      complete += count == p.pieceCount() ? 1 : 0;
    }
    for (FetchReport r : byExecutor.values()) {
      verified += r.succeeded() ? 1 : 0;
      failed += r.succeeded() ? 0 : 1;
    }
    w.beginObject()
        .name("id")
        .value(p.broadcastId())
        .name("pieces")
        .value(p.pieceCount())
        .name("bytes")
        .value(sizes.getOrDefault(p.broadcastId(), 0L))
        .name("seeded")
        .value(p.seeded())
        .name("complete")
        .value(complete)
        .name("verified")
        .value(verified)
        .name("failed")
        .value(failed);
    w.name("executors").beginArray();
    Base64.Encoder b64 = Base64.getEncoder();
    for (ExecutorInfo e : page) {
      BitSet held = p.held().getOrDefault(e.id(), new BitSet());
      BitSet pushed = p.pushedByDriver().getOrDefault(e.id(), new BitSet());
      pushed.and(held);
      FetchReport r = byExecutor.get(e.id());
      String state =
          r == null
              ? (held.cardinality() == p.pieceCount() ? "complete" : "fetching")
              : r.succeeded() ? "verified" : "failed";
      long size = sizes.getOrDefault(p.broadcastId(), 0L);
      long heldBytes =
          held.cardinality() == p.pieceCount()
              ? size
              : (long) ((double) size * held.cardinality() / p.pieceCount());
      w.beginObject()
          .name("id")
          .value(e.id())
          .name("count")
          .value(held.cardinality())
          .name("heldBytes")
          .value(heldBytes)
          .name("state")
          .value(state)
          .name("held")
          .value(b64.encodeToString(held.toByteArray()))
          .name("pushed")
          .value(b64.encodeToString(pushed.toByteArray()));
      if (r != null) {
        w.name("seconds")
            .value(r.nanos() / 1e9)
            .name("fromDriver")
            .value(r.fromDriverBytes())
            .name("fromPeers")
            .value(r.fromPeersBytes())
            .name("corrupt")
            .value(r.corruptPieces())
            .name("failure")
            .value(r.failure());
        w.name("sources").beginArray();
        r.fromPeers().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .forEach(s -> w.beginArray().value(s.getKey()).value(s.getValue()).endArray());
        w.endArray();
        w.name("banned").beginArray();
        r.bannedPeers().forEach(b -> w.value(b));
        w.endArray();
      }
      w.endObject();
    }
    w.endArray().endObject();
  }
}
