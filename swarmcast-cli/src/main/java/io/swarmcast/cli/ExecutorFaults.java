package io.swarmcast.cli;

import io.swarmcast.node.DriverNode;
import io.swarmcast.tracker.ExecutorInfo;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The demo's fault injection ({@code swarmcast demo --corrupt-executors K --kill-executors K}):
 * which executors upload corrupt pieces, and which are SIGKILLed while the first measured
 * broadcast's pieces move.
 *
 * <p>Corrupting executors are the first K processes the demo starts, with {@code
 * --corrupt-uploads}; their ids are found by asking every executor its process id ({@link
 * ReadTask#PID}). The executors to kill are drawn from the others with the demo's seed, and each
 * gets a random share of the pieces, 10 % to 80 %. A watcher thread ({@link #watch}) kills an
 * executor's process with {@link Process#destroyForcibly()} (SIGKILL on Linux) as soon as the
 * tracker counts that share of the broadcast's pieces announced by it: it dies mid-transfer, having
 * pieces others want and wanting pieces itself, at a moment that follows the transfer however fast
 * the machine is. Each is killed once; later broadcasts go to the survivors.
 *
 * <p>Thread-safe.
 */
final class ExecutorFaults {
  /** Shares of the pieces at which executors are killed are drawn from [MIN_SHARE, MAX_SHARE). */
  static final double MIN_SHARE = 0.1;

  static final double MAX_SHARE = 0.8;

  /** How often the watcher looks at the tracker. */
  private static final long POLL_MILLIS = 5;

  /** Each executor's process, by executor id; only the executors to kill. */
  private final Map<Integer, Process> processes;

  private final Set<Integer> corrupting;

  /** Executors still to kill, each with the share of pieces it is killed at; guarded by this. */
  private final Map<Integer, Double> pendingKills;

  private final Set<Integer> killed = ConcurrentHashMap.newKeySet();
  private final PrintStream log;

  private ExecutorFaults(
      Map<Integer, Process> processes,
      Set<Integer> corrupting,
      Map<Integer, Double> kills,
      PrintStream log) {
    this.processes = Map.copyOf(processes);
    this.corrupting = Set.copyOf(corrupting);
    this.pendingKills = new LinkedHashMap<>(kills);
    this.log = log;
  }

  /** No faults: the driver command's and the warm-up's. */
  static ExecutorFaults none() {
    return new ExecutorFaults(Map.of(), Set.of(), Map.of(), System.err);
  }

  /**
   * Plans the faults for executors registered with {@code driver} and running as {@code processes},
   * of which the first {@code corrupt} were started with {@code --corrupt-uploads}: {@code kill} of
   * the others, drawn with {@code seed}, are to be killed during the first broadcast {@link
   * #watch}ed.
   */
  static ExecutorFaults plan(
      DriverNode driver, List<Process> processes, int corrupt, int kill, long seed, PrintStream log)
      throws Exception {
    if (corrupt == 0 && kill == 0) {
      return none();
    }
    Map<Long, Integer> indexByPid = new HashMap<>();
    for (int i = 0; i < processes.size(); i++) {
      indexByPid.put(processes.get(i).pid(), i);
    }
    Map<Integer, Process> byId = new HashMap<>();
    Set<Integer> corrupting = new HashSet<>();
    List<Integer> honest = new ArrayList<>();
    for (ExecutorInfo e : driver.executors()) {
      long pid =
          ByteBuffer.wrap(driver.runTask(e.id(), ReadTask.PID).get(30, TimeUnit.SECONDS)).getLong();
      Integer index = indexByPid.get(pid);
      if (index == null) {
        throw new IllegalStateException(
            e + " runs in process " + pid + ", which this demo did not start");
      }
      byId.put(e.id(), processes.get(index));
      if (index < corrupt) {
        corrupting.add(e.id());
      } else {
        honest.add(e.id());
      }
    }
    Collections.sort(honest);
    Random random = new Random(seed);
    Collections.shuffle(honest, random);
    Map<Integer, Double> kills = new LinkedHashMap<>();
    for (int id : honest.subList(0, Math.min(kill, honest.size()))) {
      kills.put(id, MIN_SHARE + random.nextDouble() * (MAX_SHARE - MIN_SHARE));
    }
    byId.keySet().retainAll(kills.keySet());
    return new ExecutorFaults(byId, corrupting, kills, log);
  }

  /** The fault injected into executor {@code id}. */
  RoundResult.Fault of(int id) {
    return killed.contains(id)
        ? RoundResult.Fault.KILLED
        : corrupting.contains(id) ? RoundResult.Fault.CORRUPTING : RoundResult.Fault.NONE;
  }

  /** True once executor {@code id} was killed. */
  boolean killed(int id) {
    return killed.contains(id);
  }

  /**
   * Starts killing the executors still to kill as the pieces of broadcast {@code broadcastId} (of
   * {@code pieceCount} pieces) reach them. Closing the watch stops it and kills those that never
   * reached their share, so each round that is watched kills them all. A no-op if none is left to
   * kill.
   */
  synchronized Watch watch(DriverNode driver, long broadcastId, int pieceCount) {
    if (pendingKills.isEmpty()) {
      return () -> {};
    }
    return Watch.polling(
        "swarmcast-demo-killer",
        POLL_MILLIS,
        () -> !killDue(driver, broadcastId, pieceCount),
        () -> {},
        () -> killRemaining(driver, broadcastId, pieceCount));
  }

  /** A running {@link #watch}; closing it ends it. */
  interface Watch extends AutoCloseable {
    @Override
    void close();

    /**
     * A daemon thread named {@code name} that checks {@code done} every {@code pollMillis} and runs
     * {@code whenDone} once it holds; closing the watch stops the thread (waiting up to 5 s for it)
     * and then runs {@code afterStop}.
     */
    static Watch polling(
        String name, long pollMillis, BooleanSupplier done, Runnable whenDone, Runnable afterStop) {
      Thread watcher =
          new Thread(
              () -> {
                try {
                  while (!done.getAsBoolean()) {
                    Thread.sleep(pollMillis);
                  }
                  whenDone.run();
                } catch (InterruptedException stopped) {
                  // the round is over
                }
              },
              name);
      watcher.setDaemon(true);
      watcher.start();
      return () -> {
        watcher.interrupt();
        try {
          watcher.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        afterStop.run();
      };
    }
  }

  /** Kills each executor that reached its share; true while some are left. */
  private synchronized boolean killDue(DriverNode driver, long broadcastId, int pieceCount) {
    for (var it = pendingKills.entrySet().iterator(); it.hasNext(); ) {
      var kill = it.next();
      int held = driver.tracker().piecesHeldBy(broadcastId, kill.getKey());
      if (held >= Math.ceil(kill.getValue() * pieceCount)) {
        kill(
            kill.getKey(), String.format(Locale.ROOT, "holding %d of %d pieces", held, pieceCount));
        it.remove();
      }
    }
    return !pendingKills.isEmpty();
  }

  private synchronized void killRemaining(DriverNode driver, long broadcastId, int pieceCount) {
    for (int id : pendingKills.keySet()) {
      kill(
          id,
          "after the broadcast, holding "
              + driver.tracker().piecesHeldBy(broadcastId, id)
              + " of "
              + pieceCount
              + " pieces");
    }
    pendingKills.clear();
  }

  private void kill(int id, String when) {
    Process p = processes.get(id);
    log.printf("killing executor %d (pid %d) with SIGKILL, %s%n", id, p.pid(), when);
    p.destroyForcibly();
    killed.add(id);
  }
}
