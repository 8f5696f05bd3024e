package io.swarmcast.spark;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.node.DriverNode;
import io.swarmcast.spark.internal.SparkInternals;
import io.swarmcast.swarm.TransferStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A Spark application, run by the integration tests in a driver JVM of its own ({@link SparkJvm}):
 * broadcasts random bytes with {@link SwarmcastSpark} and has every task return what it read.
 *
 * <p>Arguments: {@code mode master executors valueBytes partitions outFile shadedJar [metricsDir]}.
 * Mode {@code run} writes one line per task — {@code task EXECUTOR SHA256 IDENTITY FROM_DRIVER
 * FROM_PEERS}, the last three being the value object's identity hash in its JVM and that executor's
 * bytes received for the broadcast — then {@code expected SHA256} and {@code driverServed BYTES}.
 * Mode {@code badKey} starts Spark with a misspelt {@code spark.swarmcast.*} key and writes {@code
 * startupFailure MESSAGE}. Mode {@code churn} is {@code run}, then an executor replaced and the
 * broadcast read again ({@code killed ID} and {@code after ...} lines).
 */
public final class BroadcastDigestJob {
  private BroadcastDigestJob() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String master = args[1];
    int executors = Integer.parseInt(args[2]);
    int valueBytes = Integer.parseInt(args[3]);
    int partitions = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    String shadedJar = args[6];
    Path metricsDir = args.length > 7 ? Path.of(args[7]) : null;

    SparkConf conf =
        new SparkConf()
            .setMaster(master)
            .setAppName("swarmcast-" + mode)
            .set("spark.plugins", SwarmcastPlugin.class.getName())
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.ui.enabled", "false")
            .set("spark.executor.memory", "512m")
            .set("spark.executor.extraJavaOptions", SparkJvm.executorJavaOptions())
            .set("spark.executor.extraClassPath", shadedJar);
    if (metricsDir != null) {
      Files.createDirectories(metricsDir);
      conf.set("spark.metrics.conf.*.sink.csv.class", "org.apache.spark.metrics.sink.CsvSink")
          .set("spark.metrics.conf.*.sink.csv.period", "1")
          .set("spark.metrics.conf.*.sink.csv.unit", "seconds")
          .set("spark.metrics.conf.*.sink.csv.directory", metricsDir.toString());
    }
    List<String> lines = new ArrayList<>();
    if (mode.equals("badKey")) {
      conf.set("spark.swarmcast.broadcast.blocksize", "1m"); // the key is blockSize
      try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
        lines.add("started");
      } catch (Exception e) {
        StringBuilder chain = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
          chain.append(t).append(" | ");
        }
        lines.add("startupFailure " + chain);
      }
      Files.write(out, lines);
      return;
    }

    byte[] value = new byte[valueBytes];
    new Random(42).nextBytes(value);
    if (mode.equals("cleanup")) {
      conf.set("spark.swarmcast.cleaner.interval", "500ms")
          .set("spark.swarmcast.cleaner.gcInterval", "500ms");
      try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
        lines.addAll(dropOneKeepOne(jsc, value, partitions));
      }
      Files.write(out, lines);
      return;
    }
    try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
      awaitExecutors(jsc, executors);
      Broadcast<byte[]> b = SwarmcastSpark.broadcast(jsc, value);
      List<String> tasks =
          jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
              .map(i -> readOnExecutor(b))
              .collect();
      lines.addAll(tasks);
      lines.add("expected " + sha256(value));
      lines.add("driverServed " + SparkInternals.localNode().stats().of(b.id()).servedBytes());
      if (mode.equals("churn")) {
        lines.addAll(
            addAFileAndReadItEverywhere(
                jsc, valueBytes, partitions, out.resolveSibling("added-" + valueBytes + ".bin")));
        lines.addAll(replaceAnExecutorAndReadAgain(jsc, b, executors, tasks.get(0).split(" ")[1]));
      }
      if (metricsDir != null) {
        Thread.sleep(
            2500); // two periods of the CSV sink, so the executors' counters reach it before they
        // stop
      }
      b.destroy();
    }
    Files.write(out, lines);
  }

  /**
   * {@link SwarmcastSpark#addFile} of a random file, read on the executors with {@link
   * SwarmcastFiles#get}. Lines: {@code file EXECUTOR SHA256 PATH} per task, {@code fileSource
   * SHA256 PATH}.
   */
  private static List<String> addAFileAndReadItEverywhere(
      JavaSparkContext jsc, int bytes, int partitions, Path file) throws Exception {
    byte[] content = new byte[bytes];
    new Random(7).nextBytes(content);
    Files.write(file, content);
    String name = SwarmcastSpark.addFile(jsc, file.toString());
    List<String> lines =
        new ArrayList<>(
            jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
                .map(
                    i -> {
                      String path = SwarmcastFiles.get(name);
                      return "file "
                          + SparkEnv.get().executorId()
                          + " "
                          + sha256(Files.readAllBytes(Path.of(path)))
                          + " "
                          + path;
                    })
                .collect());
    lines.add("fileSource " + sha256(content) + " " + file.toAbsolutePath());
    return lines;
  }

  /**
   * Broadcasts twice, reads both in a job, drops one handle and keeps the other, then waits (with
   * real GCs) until the driver's tracker has forgotten the dropped one. Lines: {@code dropped ID
   * KNOWN_AFTER}, {@code kept ID KNOWN_AFTER READ_AGAIN_SHA256}, {@code expected SHA256}.
   */
  private static List<String> dropOneKeepOne(JavaSparkContext jsc, byte[] value, int partitions)
      throws Exception {
    Broadcast<byte[]> kept = SwarmcastSpark.broadcast(jsc, value);
    long dropped = readAndDrop(jsc, value, partitions);
    DriverNode driver = (DriverNode) SparkInternals.localNode();
    AppWait.poll(() -> !driver.tracker().knows(dropped), Duration.ofSeconds(60), System::gc);
    String again = jsc.parallelize(List.of(1), 1).map(i -> sha256(kept.value())).collect().get(0);
    return List.of(
        "dropped " + dropped + " " + driver.tracker().knows(dropped),
        "kept " + kept.id() + " " + driver.tracker().knows(kept.id()) + " " + again,
        "expected " + sha256(value));
  }

  /**
   * Broadcasts, has every partition read it, and returns only its id: the handle is unreachable
   * after.
   */
  private static long readAndDrop(JavaSparkContext jsc, byte[] value, int partitions) {
    Broadcast<byte[]> b = SwarmcastSpark.broadcast(jsc, value);
    jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
        .map(i -> sha256(b.value()))
        .collect();
    return b.id();
  }

  /**
   * What dynamic allocation does: gives executor {@code victim} back (Spark kills it; its Swarmcast
   * node goes with it), asks for a new one, and has every executor — the newcomer included — read
   * the broadcast made before. Lines: {@code killed ID}, then {@code after ...} as {@code task}
   * lines.
   */
  private static List<String> replaceAnExecutorAndReadAgain(
      JavaSparkContext jsc, Broadcast<byte[]> b, int n, String victim) throws InterruptedException {
    List<String> lines = new ArrayList<>();
    if (!jsc.sc().killExecutor(victim)) {
      throw new IllegalStateException("Spark refused to kill executor " + victim);
    }
    lines.add("killed " + victim);
    awaitExecutorCount(jsc, n - 1);
    // An absolute target, as dynamic allocation sets it: requestExecutors(1) right after the kill
    // counted the executor still pending removal and asked for nothing new.
    jsc.sc().requestTotalExecutors(n, 0, scala.collection.immutable.Map$.MODULE$.empty());
    awaitExecutors(jsc, n);
    // Tasks that take a moment, so that the newcomer gets some even if the scheduler learns of it
    // late; again, up to 5 waves, until every executor ran one: on a loaded machine (2 cores, a
    // simulation beside the build) the newcomer registered and still got none of the first wave.
    Set<String> ran = new HashSet<>();
    for (int wave = 0; wave < 5 && ran.size() < n; wave++) {
      for (String t :
          jsc.parallelize(IntStream.range(0, 4 * n).boxed().toList(), 4 * n)
              .map(
                  i -> {
                    Thread.sleep(300);
                    return readOnExecutor(b);
                  })
              .collect()) {
        lines.add("after" + t.substring("task".length()));
        ran.add(t.split(" ")[1]);
      }
    }
    return lines;
  }

  private static void awaitExecutorCount(JavaSparkContext jsc, int n) throws InterruptedException {
    AppWait.until(
        () -> jsc.sc().statusTracker().getExecutorInfos().length == n + 1,
        Duration.ofSeconds(60),
        () -> false,
        () -> "executors did not drop to " + n + " within 60 s");
  }

  private static String readOnExecutor(Broadcast<byte[]> b) throws Exception {
    byte[] v = b.value();
    TransferStats.Counters c = SparkInternals.localNode().stats().of(b.id());
    return "task "
        + SparkEnv.get().executorId()
        + " "
        + sha256(v)
        + " "
        + System.identityHashCode(v)
        + " "
        + c.fromDriverBytes()
        + " "
        + c.fromPeersBytes();
  }

  /**
   * Waits until {@code n} executors registered, so that every one of them gets a task of the first
   * wave.
   */
  private static void awaitExecutors(JavaSparkContext jsc, int n) throws InterruptedException {
    AppWait.until(
        () -> jsc.sc().statusTracker().getExecutorInfos().length >= n + 1, // counts the driver
        Duration.ofSeconds(120),
        () -> false,
        () ->
            "only "
                + (jsc.sc().statusTracker().getExecutorInfos().length - 1)
                + " of "
                + n
                + " executors registered within 120 s");
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
