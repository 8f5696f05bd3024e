package io.swarmcast.spark;

import io.swarmcast.spark.internal.SparkInternals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * {@link SideBySideBench --files}: per repetition a fresh file of random bytes on the driver, sent
 * by {@code sc.addFile} (read with {@code SparkFiles.get}, factory {@value
 * SideBySideBench#SPARK_FILES}) and by {@link SwarmcastSpark#addFile} (read with {@link
 * SwarmcastFiles#get}, {@value SideBySideBench#SWARMCAST_FILES}) in alternating order, each read by
 * one task per executor; timed from the add call to the last task's result. Off the clock, a second
 * job checks every executor's copy against the file's SHA-256. The file is added under a new name
 * each time, as both APIs require. Not thread-safe.
 */
final class FileRounds {
  private final JavaSparkContext sc;
  private final int n;
  private final long size;
  private final Path out;

  FileRounds(JavaSparkContext sc, int n, long size, Path out) {
    this.sc = sc;
    this.n = n;
    this.size = size;
    this.out = out;
  }

  void run(int reps) throws Exception {
    Path dir = Files.createTempDirectory("swarmcast-bench-files-");
    try {
      for (int rep = 1; rep <= reps; rep++) {
        Path file = dir.resolve("rep-" + rep + ".bin");
        writeRandom(file, size, rep);
        String expected = sha256(file);
        List<String> order =
            rep % 2 == 1
                ? List.of(SideBySideBench.SPARK_FILES, SideBySideBench.SWARMCAST_FILES)
                : List.of(SideBySideBench.SWARMCAST_FILES, SideBySideBench.SPARK_FILES);
        for (String factory : order) {
          SideBySideBench.settle(sc, n);
          Path named = Files.createLink(dir.resolve(factory + "-" + rep + ".bin"), file);
          String json =
              factory.equals(SideBySideBench.SPARK_FILES)
                  ? viaSpark(named, expected, rep)
                  : viaSwarmcast(named, expected, rep);
          System.out.println(json);
          if (out != null) {
            Files.writeString(
                out, json + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          }
        }
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private String viaSpark(Path file, String expected, int rep) throws Exception {
    String name = file.getFileName().toString();
    long w0 = System.currentTimeMillis();
    long t0 = System.nanoTime();
    sc.addFile(file.toString());
    long handle = System.currentTimeMillis();
    List<String> reads =
        SideBySideBench.readEverywhere(
            sc,
            n,
            i -> {
              long start = System.currentTimeMillis();
              return read(SparkFiles.get(name), start);
            });
    double seconds = (System.nanoTime() - t0) / 1e9;
    SideBySideBench.phases(SideBySideBench.SPARK_FILES, rep, w0, handle, seconds, reads);
    boolean verified = verified(reads, expected, i -> digest(SparkFiles.get(name)));
    return SideBySideBench.json(
        SideBySideBench.SPARK_FILES, n, size, rep, seconds, -1, -1, verified);
  }

  private String viaSwarmcast(Path file, String expected, int rep) throws Exception {
    long served0 = SparkInternals.localNode().stats().total().servedBytes();
    long w0 = System.currentTimeMillis();
    long t0 = System.nanoTime();
    String name = SwarmcastSpark.addFile(sc, file.toString());
    long handle = System.currentTimeMillis();
    List<String> reads =
        SideBySideBench.readEverywhere(
            sc,
            n,
            i -> {
              long start = System.currentTimeMillis();
              return read(SwarmcastFiles.get(name), start);
            });
    double seconds = (System.nanoTime() - t0) / 1e9;
    SideBySideBench.phases(SideBySideBench.SWARMCAST_FILES, rep, w0, handle, seconds, reads);
    boolean verified = verified(reads, expected, i -> digest(SwarmcastFiles.get(name)));
    long driverSent = SparkInternals.localNode().stats().total().servedBytes() - served0;
    return SideBySideBench.json(
        SideBySideBench.SWARMCAST_FILES, n, size, rep, seconds, driverSent, -1, verified);
  }

  private boolean verified(List<String> reads, String expected, Function<Integer, String> digest) {
    return SideBySideBench.everyExecutor(reads, 2, Long.toString(size), n)
        && SideBySideBench.everyExecutor(
            SideBySideBench.readEverywhere(sc, n, digest), 1, expected, n);
  }

  /** What a timed task returns, as for values: {@code EXECUTOR 0 LENGTH TASK_START_MS FILE_MS}. */
  private static String read(String path, long startMs) throws IOException {
    return SparkEnv.get().executorId()
        + " 0 "
        + Files.size(Path.of(path))
        + " "
        + startMs
        + " "
        + System.currentTimeMillis();
  }

  private static String digest(String path) throws Exception {
    return SparkEnv.get().executorId() + " " + sha256(Path.of(path));
  }

  static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(buf); r > 0; r = in.read(buf)) {
        md.update(buf, 0, r);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void writeRandom(Path file, long bytes, long seed) throws IOException {
    Random random = new Random(seed);
    byte[] buf = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(file)) {
      for (long left = bytes; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        o.write(buf, 0, (int) Math.min(buf.length, left));
      }
    }
  }
}
