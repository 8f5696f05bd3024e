package io.swarmcast.cli;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ByteSize;
import io.swarmcast.node.DriverNode;
import io.swarmcast.tracker.ExecutorInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
 * {@code swarmcast driver --files} and {@code demo --files}: rounds of file broadcasts instead of
 * values. Each repetition writes a fresh file of random bytes on the driver, broadcasts it ({@code
 * broadcastFile}: served in place, zero-copy, while one checksumming pass reads it) and has every
 * executor fetch it into its storage directory, where its SHA-256 is checked ({@link FileTask});
 * then destroys it. The clock runs from {@code broadcastFile} to the last executor's verified copy,
 * the driver's checksum pass included, as a user of {@code send} waits for it. Results are {@link
 * RoundResult}s, so the JSON and the bench read them as they read values'.
 */
final class FileBroadcastRounds {
  private final BroadcastManager manager;
  private final DriverNode driver;
  private final String factory;
  private final PrintStream human;

  FileBroadcastRounds(BroadcastManager manager, String factory, PrintStream human) {
    this.manager = manager;
    this.driver = (DriverNode) BroadcastInternals.node(manager);
    this.factory = factory;
    this.human = human;
  }

  List<RoundResult> run(long size, int reps, long seed, Consumer<RoundResult> sink)
      throws Exception {
    List<RoundResult> results = new ArrayList<>();
    Path dir = Files.createTempDirectory("swarmcast-file-rounds-");
    try {
      for (int rep = 1; rep <= reps; rep++) {
        Path file = dir.resolve("rep-" + rep + ".bin");
        writeRandom(file, size, seed + rep);
        RoundResult r = once(file, size, rep);
        Files.delete(file);
        results.add(r);
        sink.accept(r);
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return results;
  }

  private RoundResult once(Path file, long size, int rep) throws Exception {
    List<ExecutorInfo> executors = driver.executors();
    long[] executorCpu0 = BroadcastRounds.executorCpuNanos(driver, executors);
    long driverCpu0 = ProcessCpu.nanos();
    long t0 = System.nanoTime();
    Broadcast<Path> b = manager.broadcastFile(file);
    CompletableFuture<Long> seededAt = BroadcastRounds.seededAt(driver, b.id());
    byte[] task = FileTask.encode(BroadcastRounds.serialize(b));
    List<CompletableFuture<byte[]>> answers = new ArrayList<>();
    long[] arrivals = new long[executors.size()];
    for (int i = 0; i < executors.size(); i++) {
      int slot = i;
      answers.add(
          BroadcastRounds.ask(driver, executors.get(i).id(), task)
              .whenComplete((r, e) -> arrivals[slot] = System.nanoTime()));
    }
    try (Progress progress =
        Progress.start(
            human,
            String.format(
                Locale.ROOT,
                "rep %d: a file of %s to %d executors",
                rep,
                ByteSize.format(size),
                executors.size()),
            executors.size() * size)) {
      CompletableFuture<Void> all =
          CompletableFuture.allOf(answers.toArray(new CompletableFuture[0]));
      int pieces = Math.max(1, driver.tracker().pieceCount(b.id()));
      while (!all.isDone()) {
        progress.set(
            Math.min(
                executors.size() * size,
                driver.tracker().piecesHeldByExecutors(b.id()) * (size / pieces)));
        try {
          all.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException ignored) {
          // keep drawing
        } catch (ExecutionException ignored) {
          break;
        }
      }
      progress.set(executors.size() * size);
    }
    double driverCpu = BroadcastRounds.cpuSeconds(driverCpu0, ProcessCpu.nanos());
    long[] executorCpu1 = BroadcastRounds.executorCpuNanos(driver, executors);
    long lastHad = t0;
    long peerBytes = 0;
    List<RoundResult.ExecutorResult> per = new ArrayList<>();
    for (int i = 0; i < executors.size(); i++) {
      int id = executors.get(i).id();
      double cpu = BroadcastRounds.cpuSeconds(executorCpu0[i], executorCpu1[i]);
      lastHad = Math.max(lastHad, arrivals[i]);
      try {
        FileTask.Result r = FileTask.Result.decode(answers.get(i).join());
        per.add(
            new RoundResult.ExecutorResult(
                id,
                r.nanos() / 1e9,
                r.fromDriverBytes(),
                r.fromPeersBytes(),
                r.verified(),
                0,
                cpu,
                0,
                r.verified() ? "" : r.detail(),
                RoundResult.Fault.NONE));
        peerBytes += r.fromPeersBytes();
      } catch (RuntimeException | IOException e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        per.add(
            new RoundResult.ExecutorResult(
                id,
                Double.NaN,
                0,
                0,
                false,
                0,
                cpu,
                0,
                String.valueOf(cause.getMessage()),
                RoundResult.Fault.NONE));
      }
    }
    double seededSeconds = BroadcastRounds.seededSeconds(seededAt, t0);
    long driverSent = driver.stats().of(b.id()).servedBytes();
    b.destroy();
    return new RoundResult(
            factory,
            rep,
            executors.size(),
            size,
            (lastHad - t0) / 1e9,
            driverSent,
            peerBytes,
            ReadTaskHandler.peakHeapBytes(),
            driverCpu,
            per)
        .withSeededSeconds(seededSeconds);
  }

  private static void writeRandom(Path file, long bytes, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        out.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }
}
