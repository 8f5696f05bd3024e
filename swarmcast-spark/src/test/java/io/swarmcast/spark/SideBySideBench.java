package io.swarmcast.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swarmcast.conf.ByteSize;
import io.swarmcast.spark.internal.SparkInternals;
import io.swarmcast.swarm.TransferStats;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * A Spark application that times {@code sc.broadcast(value)} and {@code
 * SwarmcastSpark.broadcast(sc, value)} side by side in one application: per repetition, a fresh
 * random value of the given size through each, in alternating order, each read by one task per
 * executor. The time runs from the broadcast call to the last task's result on the driver, so both
 * include a job's scheduling overhead alike; one job without a broadcast runs first, so neither
 * pays for the first job's set-up. After the clock stops, a second job checks every executor's copy
 * against the driver's SHA-256; before each broadcast, the previous one is gone everywhere and
 * every JVM has collected its garbage.
 *
 * <p>Run with spark-submit (master and resources as usual, {@code spark.plugins} set to {@link
 * SwarmcastPlugin}, one core per executor): {@code SideBySideBench --executors N --size BYTES
 * --reps R [--out FILE]}. Prints one JSON object per broadcast (and appends it to FILE), in the
 * fields of {@code swarmcast driver --json}: {@code factory} is {@code spark-torrent} or {@code
 * swarmcast}; byte counts Spark does not expose are -1; heap and CPU are not measured (0 and null).
 * {@code allVerified} is false unless every executor read the value in its own task and every
 * executor's digest matched. A {@code phases} line on stderr per broadcast gives each executor's
 * task start and value time.
 */
public final class SideBySideBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String SPARK = "spark-torrent";
  static final String SWARMCAST = "swarmcast";
  static final String SPARK_FILES = "spark-addFile";
  static final String SWARMCAST_FILES = "swarmcast-addFile";

  private SideBySideBench() {}

  public static void main(String[] args) throws Exception {
    int executors = 0;
    long size = 0;
    int reps = 1;
    Path out = null;
    boolean files = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = true;
        case "--executors" -> executors = Integer.parseInt(args[++i]);
        case "--size" -> size = ByteSize.parse(args[++i]);
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; usage: SideBySideBench --executors N --size BYTES --reps R [--out FILE] [--files]");
      }
    }
    if (executors < 1 || size < 1 || (!files && size > Integer.MAX_VALUE - 64) || reps < 1) {
      throw new IllegalArgumentException("need --executors >= 1, 1 <= --size < 2g, --reps >= 1");
    }
    try (JavaSparkContext sc =
        new JavaSparkContext(new SparkConf().setAppName("swarmcast-side-by-side"))) {
      awaitExecutors(sc, executors);
      // One job without a broadcast first: otherwise whichever factory goes first also pays for the
      // first job's set-up on every executor (task deserialization, class loading, JIT).
      readEverywhere(sc, executors, i -> SparkEnv.get().executorId());
      if (files) {
        new FileRounds(sc, executors, size, out).run(reps);
        return;
      }
      for (int rep = 1; rep <= reps; rep++) {
        byte[] value = new byte[(int) size];
        new Random(rep).nextBytes(value);
        String expected = BenchDigest.of(value);
        // Alternate which goes first, so that neither always meets a cluster the other just warmed.
        List<String> order = rep % 2 == 1 ? List.of(SPARK, SWARMCAST) : List.of(SWARMCAST, SPARK);
        for (String factory : order) {
          settle(sc, executors);
          String json =
              factory.equals(SPARK)
                  ? viaSpark(sc, value, expected, executors, rep)
                  : viaSwarmcast(sc, value, expected, executors, rep);
          System.out.println(json);
          if (out != null) {
            Files.writeString(
                out, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          }
        }
      }
    }
  }

  private static String viaSpark(
      JavaSparkContext sc, byte[] value, String expected, int n, int rep) {
    long w0 = System.currentTimeMillis();
    long t0 = System.nanoTime();
    Broadcast<byte[]> b = sc.broadcast(value);
    long handle = System.currentTimeMillis();
    List<String> reads =
        readEverywhere(
            sc,
            n,
            i -> {
              long start = System.currentTimeMillis();
              return read(b.value(), 0, start);
            });
    double seconds = (System.nanoTime() - t0) / 1e9;
    phases(SPARK, rep, w0, handle, seconds, reads);
    boolean verified = verified(sc, reads, value.length, expected, n, i -> digest(b.value()));
    // Spark's destroy() removes the executors' blocks in the background; Swarmcast's destroy waits
    // for its executors. Off the clock, wait for Spark's too, so neither leaves work behind for the
    // other.
    b.unpersist(true);
    b.destroy();
    return json(SPARK, n, value.length, rep, seconds, -1, -1, verified);
  }

  private static String viaSwarmcast(
      JavaSparkContext sc, byte[] value, String expected, int n, int rep) {
    long w0 = System.currentTimeMillis();
    long t0 = System.nanoTime();
    // two Broadcast types here: Spark's is imported
    io.swarmcast.broadcast.Broadcast<byte[]> b = SwarmcastSpark.broadcast(sc, value); // fqn-ok
    long handle = System.currentTimeMillis();
    List<String> reads =
        readEverywhere(
            sc,
            n,
            i -> {
              long start = System.currentTimeMillis();
              byte[] v = b.value();
              return read(v, SparkInternals.localNode().stats().of(b.id()).fromPeersBytes(), start);
            });
    double seconds = (System.nanoTime() - t0) / 1e9;
    phases(SWARMCAST, rep, w0, handle, seconds, reads);
    boolean verified = verified(sc, reads, value.length, expected, n, i -> digest(b.value()));
    TransferStats.Counters driver = SparkInternals.localNode().stats().of(b.id());
    long fromPeers = reads.stream().mapToLong(r -> Long.parseLong(r.split(" ")[1])).sum();
    long driverSent = driver.servedBytes();
    b.destroy();
    return json(SWARMCAST, n, value.length, rep, seconds, driverSent, fromPeers, verified);
  }

  /**
   * Off the clock, before every timed broadcast: every executor and the driver collect their
   * garbage (the previous values), as {@code swarmcast bench} does between broadcasts, so that a
   * broadcast does not pay for the collection of the one before it, whichever factory that was.
   */
  static void settle(JavaSparkContext sc, int n) {
    System.gc();
    readEverywhere(
        sc,
        n,
        i -> {
          System.gc();
          return SparkEnv.get().executorId();
        });
  }

  static List<String> readEverywhere(JavaSparkContext sc, int n, Function<Integer, String> read) {
    return sc.parallelize(IntStream.range(0, n).boxed().toList(), n).map(read).collect();
  }

  /**
   * What a timed task returns: {@code EXECUTOR FROM_PEERS LENGTH TASK_START_MS VALUE_MS} (wall
   * clock, one machine's). The digest is left to a second, untimed job ({@link #digest}): with a
   * swarm every executor gets the value at nearly the same moment, so eight SHA-256 passes of the
   * whole value would compete for the cores at the end of the clock, a cost of the check and not of
   * either broadcast.
   */
  private static String read(byte[] v, long fromPeers, long startMs) {
    return SparkEnv.get().executorId()
        + " "
        + fromPeers
        + " "
        + v.length
        + " "
        + startMs
        + " "
        + System.currentTimeMillis();
  }

  /**
   * What a verifying task returns: {@code EXECUTOR SHA256}, of the value that executor already
   * holds.
   */
  private static String digest(byte[] v) {
    return SparkEnv.get().executorId() + " " + BenchDigest.of(v);
  }

  /**
   * Where the time went, on stderr: seconds from the broadcast call to the handle, and per executor
   * to its task's start and to its value.
   */
  static void phases(
      String factory, int rep, long w0, long handleMs, double seconds, List<String> reads) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "phases %s rep %d total %.3f s, handle %.3f:",
                factory,
                rep,
                seconds,
                (handleMs - w0) / 1e3));
    for (String r : reads) {
      String[] f = r.split(" ");
      b.append(
          String.format(
              Locale.ROOT,
              " [executor %s start %.3f value %.3f]",
              f[0],
              (Long.parseLong(f[3]) - w0) / 1e3,
              (Long.parseLong(f[4]) - w0) / 1e3));
    }
    System.err.println(b);
  }

  /**
   * Every executor read the whole value in a task of the timed job ({@code reads}), and then, off
   * the clock, every executor's copy has the driver's digest ({@code digestTask} run on each).
   */
  private static boolean verified(
      JavaSparkContext sc,
      List<String> reads,
      int length,
      String expected,
      int n,
      Function<Integer, String> digestTask) {
    return everyExecutor(reads, 2, Integer.toString(length), n)
        && everyExecutor(readEverywhere(sc, n, digestTask), 1, expected, n);
  }

  /**
   * All {@code n} executors answered, each with {@code expected} as field {@code field} of its
   * answer.
   */
  static boolean everyExecutor(List<String> answers, int field, String expected, int n) {
    Set<String> executors = new HashSet<>();
    for (String answer : answers) {
      String[] f = answer.split(" ");
      if (!f[field].equals(expected)) {
        return false;
      }
      executors.add(f[0]);
    }
    return executors.size() == n;
  }

  /**
   * One line in the fields of {@code swarmcast driver --json}, written with the Jackson that Spark
   * itself ships.
   */
  static String json(
      String factory,
      int n,
      long size,
      int rep,
      double seconds,
      long driverSent,
      long peerSent,
      boolean verified) {
    ObjectNode o =
        JSON.createObjectNode()
            .put("factory", factory)
            .put("rep", rep)
            .put("executors", n)
            .put("sizeBytes", size)
            .put("seconds", BigDecimal.valueOf(seconds).setScale(4, RoundingMode.HALF_UP))
            .put("driverBytesSent", driverSent)
            .put("peerBytesSent", peerSent)
            .put("driverPeakHeapBytes", 0)
            .put("executorPeakHeapBytes", 0);
    o.putNull("driverCpuSeconds");
    o.putNull("executorCpuSeconds");
    return o.put("allVerified", verified).toString();
  }

  private static void awaitExecutors(JavaSparkContext sc, int n) throws InterruptedException {
    AppWait.until(
        () -> sc.sc().statusTracker().getExecutorInfos().length >= n + 1, // counts the driver
        Duration.ofSeconds(300),
        () -> sc.sc().isStopped(),
        () ->
            sc.sc().isStopped()
                ? "Spark stopped the application while waiting for "
                    + n
                    + " executors (see its log)"
                : "only "
                    + (sc.sc().statusTracker().getExecutorInfos().length - 1)
                    + " of "
                    + n
                    + " executors registered within 300 s");
  }

  /** SHA-256 of a value, hex. */
  static final class BenchDigest {
    private BenchDigest() {}

    static String of(byte[] v) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
