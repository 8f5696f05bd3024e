package io.swarmcast.cli;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ByteSize;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.Endpoint;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.tracker.ExecutorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code swarmcast send}: a driver that pushes files to its executors and returns once they have
 * them (or, with {@code --until seeded}, once the swarm holds every piece, so the executors finish
 * among themselves).
 */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    description = {
      "Send files to executors started with",
      "  swarmcast executor --driver HOST:PORT --out DIR",
      "Waits until N executors joined, then has every executor fetch each file,",
      "from this driver and from each other, verify it and place it in its",
      "--out DIR. The driver checksums each file (CRC32C per piece, SHA-256 of",
      "the whole) in one pass while it sends it: each piece leaves once checksummed.",
      "The files are served from where they are, without a copy: do not change",
      "them while this runs.",
      "Exit status 0 once every joined executor verified every file (--until",
      "verified, the default), or once every piece of every file is on some",
      "executor and every executor is fetching (--until seeded): the executors",
      "then finish from each other. 1 if an executor failed."
    })
final class SendCommand implements Callable<Integer> {
  /** When {@code send} returns. */
  enum Until {
    verified,
    seeded
  }

  @Option(
      names = "--bind",
      required = true,
      paramLabel = "HOST:PORT",
      description = "Address executors reach this driver at.")
  String bind;

  @Option(
      names = "--executors",
      required = true,
      paramLabel = "N",
      description = "Executors to wait for before sending.")
  int executors;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      description = "How long to wait for the executors. Default: ${DEFAULT-VALUE}.")
  int waitSeconds = 300;

  @Option(
      names = "--until",
      paramLabel = "verified|seeded",
      description =
          "Return once every executor verified every file (`verified`), or once the swarm holds every piece "
              + "(`seeded`). Default: ${DEFAULT-VALUE}.")
  Until until = Until.verified;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      split = ",",
      description = "Any configuration key.")
  List<String> extra = List.of();

  @Mixin SecurityOptions security;

  @Mixin UiOptions ui;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The files to send.")
  List<Path> files;

  @Override
  public Integer call() throws Exception {
    if (executors < 1) {
      throw new IllegalArgumentException("--executors must be at least 1, not " + executors);
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
        throw new IllegalArgumentException(
            f + ": " + (Files.exists(f) ? "not a readable regular file" : "no such file"));
      }
    }
    Endpoint at = Endpoint.parse(bind);
    SwarmConf conf =
        ui.apply(security.apply(RoundOptions.applyConf(RoundOptions.cliDefaults(), extra)))
            .set(SwarmConf.DRIVER_HOST, at.host())
            .set(SwarmConf.DRIVER_PORT, Integer.toString(at.port()));
    SecurityManager checks = new SecurityManager(conf);
    try (BroadcastManager manager = new BroadcastManager(true, conf, checks)) {
      DriverNode node = (DriverNode) BroadcastInternals.node(manager);
      System.err.printf(
          "driver listening on %s; waiting for %d executors%s%n",
          node.endpoint(), executors, SecurityOptions.describe(checks));
      UiOptions.announce(node, System.err);
      node.awaitExecutors(executors, waitSeconds, TimeUnit.SECONDS);
      List<ExecutorInfo> joined = node.executors();
      Map<Broadcast<Path>, Path> sent = new LinkedHashMap<>();
      List<CompletableFuture<String>> checksummed = new ArrayList<>();
      long totalBytes = 0;
      for (Path f : files) {
        long t0 = System.nanoTime();
        Broadcast<Path> b = manager.broadcastFile(f);
        sent.put(b, f);
        long size = Files.size(f);
        totalBytes += size;
        // The driver checksums the file while it sends it: say when it was done, once it is.
        checksummed.add(
            manager
                .fileDigest(b)
                .handle(
                    (sha, e) ->
                        e != null
                            ? String.format(
                                Locale.ROOT,
                                "%s: FAILED: %s",
                                f,
                                e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                            : String.format(
                                Locale.ROOT,
                                "%s: %s checksummed in %.1f s while it was sent (SHA-256 %s)",
                                f,
                                ByteSize.format(size),
                                (System.nanoTime() - t0) / 1e9,
                                sha)));
        System.err.printf(
            Locale.ROOT,
            "%s: %s, sending while it is checksummed (handle ready in %.3f s)%n",
            f,
            ByteSize.format(size),
            (System.nanoTime() - t0) / 1e9);
      }
      long start = System.nanoTime();
      List<Delivery> deliveries = new ArrayList<>();
      for (Map.Entry<Broadcast<Path>, Path> e : sent.entrySet()) {
        byte[] task = FileTask.encode(BroadcastRounds.serialize(e.getKey()));
        for (ExecutorInfo x : joined) {
          deliveries.add(new Delivery(x, e.getValue(), node.runTask(x.id(), task)));
        }
      }
      watch(node, sent.keySet(), joined, deliveries);
      double seconds = (System.nanoTime() - start) / 1e9;
      for (CompletableFuture<String> c : checksummed) {
        System.err.println(c.getNow("checksumming still under way"));
      }
      if (until == Until.seeded) {
        System.err.printf(
            Locale.ROOT,
            "seeded: every piece of %d file(s), %s, is on some executor after %.1f s; "
                + "the executors finish from each other%n",
            files.size(),
            ByteSize.format(totalBytes),
            seconds);
        return 0;
      }
      return report(deliveries, totalBytes, seconds, joined.size());
    }
  }

  /** Shows progress until the deliveries are done, or (with --until seeded) the swarm is seeded. */
  private void watch(
      DriverNode node,
      Collection<Broadcast<Path>> sent,
      List<ExecutorInfo> joined,
      List<Delivery> deliveries)
      throws InterruptedException {
    long piecesWanted = 0;
    for (Broadcast<Path> b : sent) {
      piecesWanted += (long) node.tracker().pieceCount(b.id()) * joined.size();
    }
    try (Progress progress = Progress.percent(System.err, "send")) {
      while (true) {
        long held = 0;
        boolean seeded = true;
        for (Broadcast<Path> b : sent) {
          seeded &= SeededReport.seeded(node.tracker(), b.id(), joined);
          for (ExecutorInfo x : joined) {
            held += node.tracker().piecesHeldBy(b.id(), x.id());
          }
        }
        boolean allDone = deliveries.stream().allMatch(d -> d.result().isDone());
        progress.fraction(
            allDone ? 1.0 : Math.min(0.99, held / (double) Math.max(1, piecesWanted)));
        if (allDone || (until == Until.seeded && seeded)) {
          return;
        }
        Thread.sleep(100);
      }
    }
  }

  private static int report(
      List<Delivery> deliveries, long totalBytes, double seconds, int executorCount) {
    int failed = 0;
    long fromDriver = 0;
    long fromPeers = 0;
    System.err.printf(
        "  executor  file                            seconds   from driver    from peers  result%n");
    for (Delivery d : deliveries) {
      FileTask.Result r;
      try {
        r = FileTask.Result.decode(d.result().join());
      } catch (Exception e) {
        Throwable cause =
            e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        r = new FileTask.Result(false, 0, 0, 0, String.valueOf(cause.getMessage()));
      }
      failed += r.verified() ? 0 : 1;
      fromDriver += r.fromDriverBytes();
      fromPeers += r.fromPeersBytes();
      System.err.printf(
          Locale.ROOT,
          "  %-8d  %-30s %8.1f %13s %13s  %s%n",
          d.executor().id(),
          shorten(d.file().getFileName().toString()),
          r.nanos() / 1e9,
          ByteSize.format(r.fromDriverBytes()),
          ByteSize.format(r.fromPeersBytes()),
          r.verified() ? "verified " + r.detail() : "FAILED: " + r.detail());
    }
    System.err.printf(
        Locale.ROOT,
        "%s to %d executors in %.1f s; the driver sent %s (%.2f copies), peers %s; %s%n",
        ByteSize.format(totalBytes),
        executorCount,
        seconds,
        ByteSize.format(fromDriver),
        totalBytes == 0 ? 0.0 : fromDriver / (double) totalBytes,
        ByteSize.format(fromPeers),
        failed == 0 ? "all verified" : failed + " FAILED");
    return failed == 0 ? 0 : 1;
  }

  private static String shorten(String name) {
    return name.length() <= 30 ? name : "…" + name.substring(name.length() - 29);
  }

  private record Delivery(ExecutorInfo executor, Path file, CompletableFuture<byte[]> result) {}
}
