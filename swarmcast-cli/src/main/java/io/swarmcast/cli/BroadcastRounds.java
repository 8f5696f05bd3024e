package io.swarmcast.cli;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ByteSize;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.NodeException;
import io.swarmcast.tracker.ExecutorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The driver's side of the demo and of {@code swarmcast driver}: for each repetition, broadcast a
 * fresh random value, have every executor read it and check its XXH64 digest, time it, report,
 * destroy.
 */
public final class BroadcastRounds {
  private final BroadcastManager manager;
  private final DriverNode driver;
  private final String factory;
  private final PrintStream human;
  private final ExecutorFaults faults;
  private final SeededReport seeded;

  BroadcastRounds(BroadcastManager manager, String factory, PrintStream human) {
    this(manager, factory, human, ExecutorFaults.none(), SeededReport.off());
  }

  /**
   * Rounds in which {@code faults} are injected (see {@link ExecutorFaults}) and whose broadcasts
   * are reported once seeded (see {@link SeededReport}).
   */
  BroadcastRounds(
      BroadcastManager manager,
      String factory,
      PrintStream human,
      ExecutorFaults faults,
      SeededReport seeded) {
    this.manager = manager;
    this.driver = (DriverNode) BroadcastInternals.node(manager);
    this.factory = factory;
    this.human = human;
    this.faults = faults;
    this.seeded = seeded;
  }

  /** Runs {@code reps} rounds of {@code size} bytes, handing each result to {@code sink}. */
  List<RoundResult> run(long size, int reps, long seed, Consumer<RoundResult> sink)
      throws Exception {
    List<RoundResult> results = new ArrayList<>();
    for (int rep = 1; rep <= reps; rep++) {
      RoundResult r = runOnce(size, rep, seed + rep);
      results.add(r);
      sink.accept(r);
    }
    return results;
  }

  /** The largest value a round can broadcast: a byte[]. */
  static final long MAX_SIZE = Integer.MAX_VALUE - 16;

  /**
   * Why {@code size} cannot be broadcast, or null if it can: checked with the other options, before
   * anything starts.
   */
  public static String sizeProblem(long size) {
    return size > MAX_SIZE ? "--size " + size + " exceeds the largest byte[] value (2 GiB)" : null;
  }

  private RoundResult runOnce(long size, int rep, long seed) throws Exception {
    byte[] value = new byte[(int) size];
    new SplittableRandom(seed).nextBytes(value);
    byte[] digest = ReadTaskHandler.digest(value);
    // Killed executors are left out at once, whether or not the driver has noticed their loss yet.
    List<ExecutorInfo> executors =
        driver.executors().stream().filter(e -> !faults.killed(e.id())).toList();
    if (size >= ReadTaskHandler.GC_THRESHOLD) {
      // Off the clock, every node frees the previous value and restarts its heap peak, so the peaks
      // reported measure this broadcast alone. Small values skip it: a collection would dwarf them.
      ReadTaskHandler.collectAndResetPeaks();
      List<CompletableFuture<byte[]>> resets = new ArrayList<>();
      for (ExecutorInfo e : executors) {
        resets.add(ask(e.id(), ReadTask.RESET));
      }
      CompletableFuture.allOf(resets.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    }

    // CPU is sampled on every node just before the clock starts and just after the last executor
    // had the value, so the figures cover the broadcast: neither the value's making nor the reset
    // above.
    long[] executorCpu0 = executorCpuNanos(executors);
    long driverCpu0 = ProcessCpu.nanos();
    long t0 = System.nanoTime();
    Broadcast<byte[]> b = manager.newBroadcast(value, false);
    try {
      return deliver(b, size, rep, executors, digest, t0, driverCpu0, executorCpu0);
    } finally {
      b.destroy(); // also when an executor failed, so the driver's pieces never outlive the round
    }
  }

  private RoundResult deliver(
      Broadcast<byte[]> b,
      long size,
      int rep,
      List<ExecutorInfo> executors,
      byte[] digest,
      long t0,
      long driverCpu0,
      long[] executorCpu0)
      throws Exception {
    byte[] task = new ReadTask(1, digest, serialize(b)).encode();
    // Each answer is stamped when it arrives: the time an executor had the value is that stamp less
    // the time it then spent checking the digest, which is the demo's cost, not the broadcast's.
    List<CompletableFuture<byte[]>> answers = new ArrayList<>();
    long[] arrivals = new long[executors.size()];
    // Executors to kill die while this broadcast's pieces move (the first time only); see
    // ExecutorFaults.
    ExecutorFaults.Watch killer = faults.watch(driver, b.id(), pieceCount(b));
    ExecutorFaults.Watch seededWatch = seeded.watch(driver, b.id(), pieceCount(b), executors);
    CompletableFuture<Long> seededAt = seededAt(driver, b.id());
    try {
      for (int i = 0; i < executors.size(); i++) {
        int slot = i;
        answers.add(
            ask(executors.get(i).id(), task)
                .whenComplete((r, e) -> arrivals[slot] = System.nanoTime()));
      }
      awaitAnswers(b, size, rep, executors.size(), answers);
    } finally {
      seededWatch.close();
      killer.close();
    }
    double seededSeconds = seededSeconds(seededAt, t0);
    double driverCpu = cpuSeconds(driverCpu0, ProcessCpu.nanos());
    long[] executorCpu1 = executorCpuNanos(executors);
    long lastHad = t0;
    long driverSent = driver.stats().of(b.id()).servedBytes();
    List<RoundResult.ExecutorResult> per = new ArrayList<>();
    long peerBytes = 0;
    for (int i = 0; i < executors.size(); i++) {
      int id = executors.get(i).id();
      RoundResult.Fault fault = faults.of(id);
      RoundResult.ExecutorResult er;
      try {
        ReadTask.Result r = ReadTask.Result.decode(answers.get(i).join());
        er =
            new RoundResult.ExecutorResult(
                id,
                r.readNanos() / 1e9,
                r.fromDriverBytes(),
                r.fromPeersBytes(),
                r.verified(),
                r.peakHeapBytes(),
                cpuSeconds(executorCpu0[i], executorCpu1[i]),
                r.corruptPieces(),
                r.error(),
                fault);
        if (fault != RoundResult.Fault.KILLED) { // a killed executor's time is not the broadcast's
          lastHad = Math.max(lastHad, arrivals[i] - r.verifyNanos());
        }
        peerBytes += r.fromPeersBytes();
      } catch (RuntimeException | IOException e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        er =
            new RoundResult.ExecutorResult(
                id,
                Double.NaN,
                0,
                0,
                false,
                0,
                cpuSeconds(executorCpu0[i], executorCpu1[i]),
                0,
                String.valueOf(cause.getMessage()),
                fault);
        if (fault != RoundResult.Fault.KILLED) {
          lastHad = Math.max(lastHad, arrivals[i]);
        }
      }
      per.add(er);
    }
    double seconds = (lastHad - t0) / 1e9;
    return new RoundResult(
            factory,
            rep,
            executors.size(),
            size,
            seconds,
            driverSent,
            peerBytes,
            ReadTaskHandler.peakHeapBytes(),
            driverCpu,
            per)
        .withSeededSeconds(seededSeconds);
  }

  /**
   * When the swarm holds every piece of the broadcast (each on some executor): from then on the
   * executors could finish without the driver. A daemon thread polls the tracker ({@code
   * DriverNode.awaitSeeded}, every 5 ms); -1 if the broadcast went away first, or after an hour.
   */
  /**
   * Seconds from {@code t0} until {@code seededAt} saw the swarm seeded; NaN if it did not within 5
   * s of the round's end (the last announcements may reach the tracker just after the last answer).
   */
  static double seededSeconds(CompletableFuture<Long> seededAt, long t0)
      throws InterruptedException {
    try {
      long at = seededAt.get(5, TimeUnit.SECONDS);
      return at < 0 ? Double.NaN : (at - t0) / 1e9;
    } catch (TimeoutException | ExecutionException e) {
      return Double.NaN;
    }
  }

  static CompletableFuture<Long> seededAt(DriverNode driver, long broadcastId) {
    CompletableFuture<Long> at = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                at.complete(
                    driver.awaitSeeded(broadcastId, 1, TimeUnit.HOURS) ? System.nanoTime() : -1L);
              } catch (InterruptedException | RuntimeException e) {
                at.complete(-1L);
              }
            },
            "swarmcast-seeded-at");
    t.setDaemon(true);
    t.start();
    return at;
  }

  /** Draws progress until every executor answered or failed. */
  private void awaitAnswers(
      Broadcast<byte[]> b,
      long size,
      int rep,
      int executors,
      List<CompletableFuture<byte[]>> answers)
      throws InterruptedException {
    try (Progress progress =
        Progress.start(
            human,
            String.format(
                Locale.ROOT,
                "rep %d: %s to %d executors (%s)",
                rep,
                ByteSize.format(size),
                executors,
                factory),
            executors * size)) {
      CompletableFuture<Void> all =
          CompletableFuture.allOf(answers.toArray(new CompletableFuture[0]));
      while (!all.isDone()) {
        progress.set(progressBytes(b, size, executors));
        try {
          all.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException ignored) {
          // keep drawing
        } catch (ExecutionException ignored) {
          break;
        }
      }
      progress.set(executors * size);
    }
  }

  /**
   * Sends a task to executor {@code id}; a failed future if the driver no longer knows it (it was
   * killed, say).
   */
  private CompletableFuture<byte[]> ask(int id, byte[] payload) {
    return ask(driver, id, payload);
  }

  /** As {@link #ask(int, byte[])}, for {@code driver}. */
  static CompletableFuture<byte[]> ask(DriverNode driver, int id, byte[] payload) {
    try {
      return driver.runTask(id, payload);
    } catch (NodeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Each executor's process CPU in nanoseconds ({@link ReadTask#CPU}), -1 where it did not answer.
   */
  private long[] executorCpuNanos(List<ExecutorInfo> executors) throws InterruptedException {
    return executorCpuNanos(driver, executors);
  }

  /**
   * Each executor's process CPU in nanoseconds, asked through {@code driver}; -1 where it did not
   * answer.
   */
  static long[] executorCpuNanos(DriverNode driver, List<ExecutorInfo> executors)
      throws InterruptedException {
    List<CompletableFuture<byte[]>> asks = new ArrayList<>();
    for (ExecutorInfo e : executors) {
      asks.add(ask(driver, e.id(), ReadTask.CPU));
    }
    long[] nanos = new long[executors.size()];
    for (int i = 0; i < nanos.length; i++) {
      try {
        nanos[i] = ByteBuffer.wrap(asks.get(i).get(60, TimeUnit.SECONDS)).getLong();
      } catch (ExecutionException | TimeoutException | BufferUnderflowException e) {
        nanos[i] = -1;
      }
    }
    return nanos;
  }

  /** The CPU seconds between two samples, NaN if either is unknown. */
  static double cpuSeconds(long beforeNanos, long afterNanos) {
    return beforeNanos < 0 || afterNanos < beforeNanos
        ? Double.NaN
        : (afterNanos - beforeNanos) / 1e9;
  }

  /** Bytes delivered so far, estimated from the pieces executors have announced. */
  private long progressBytes(Broadcast<byte[]> b, long size, int executors) {
    int held = driver.tracker().piecesHeldByExecutors(b.id());
    int pieceCount = pieceCount(b);
    return pieceCount == 0 ? 0 : Math.min(executors * size, held * size / pieceCount);
  }

  private static int pieceCount(Broadcast<?> b) {
    return BroadcastInternals.pieceCount(b);
  }

  static byte[] serialize(Broadcast<?> b) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(b);
    }
    return bytes.toByteArray();
  }

  /** The human summary of one round: a line and a table per executor. */
  static void printTable(PrintStream out, RoundResult r) {
    out.printf(
        Locale.ROOT,
        "rep %d: %s to %d executors with %s in %.3f s; driver sent %s, peers sent %s; "
            + "CPU driver %s, executors %.3f s; %s%n",
        r.rep(),
        ByteSize.format(r.sizeBytes()),
        r.executors(),
        r.factory(),
        r.seconds(),
        ByteSize.format(r.driverBytesSent()),
        ByteSize.format(r.peerBytesSent()),
        Double.isNaN(r.driverCpuSeconds())
            ? "not known (its process was killed)"
            : String.format(Locale.ROOT, "%.3f s", r.driverCpuSeconds()),
        r.executorCpuSeconds(),
        verdict(r));
    out.printf(
        Locale.ROOT,
        "  %-9s %9s %14s %14s %9s %7s  %s%n",
        "executor",
        "seconds",
        "from driver",
        "from peers",
        "CPU s",
        "corrupt",
        "verified");
    for (RoundResult.ExecutorResult e : r.perExecutor()) {
      out.printf(
          Locale.ROOT,
          "  %-9d %9.3f %14s %14s %9.3f %7d  %s%n",
          e.id(),
          e.seconds(),
          ByteSize.format(e.fromDriverBytes()),
          ByteSize.format(e.fromPeersBytes()),
          e.cpuSeconds(),
          e.corruptPieces(),
          verdict(e));
    }
  }

  /** The round's verdict: killed executors are counted apart, not as failures. */
  private static String verdict(RoundResult r) {
    long killed = r.killed();
    String verdict =
        !r.allVerified()
            ? "VERIFICATION FAILED"
            : killed == 0
                ? "all verified"
                : "all " + (r.executors() - killed) + " survivors verified, " + killed + " killed";
    long corrupt = r.corruptPiecesDetected();
    if (corrupt > 0) {
      verdict += "; " + corrupt + " corrupt pieces detected and fetched again";
    }
    if (r.driverKilled()) {
      verdict +=
          "; driver SIGKILLed once seeded, "
              + r.driverKill().executorsDoneAfterKill()
              + " executors finished without it";
    }
    return verdict;
  }

  private static String verdict(RoundResult.ExecutorResult e) {
    return switch (e.fault()) {
      case KILLED -> "killed (SIGKILL)";
      case CORRUPTING -> (e.verified() ? "yes" : "NO " + e.error()) + "; served corrupt pieces";
      case NONE -> e.verified() ? "yes" : "NO " + e.error();
    };
  }
}
