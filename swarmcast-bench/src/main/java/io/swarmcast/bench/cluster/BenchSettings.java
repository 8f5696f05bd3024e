package io.swarmcast.bench.cluster;

import io.swarmcast.cli.JavaOpts;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one {@code swarmcast bench} sweep runs, checked once by the command line and then handed to
 * {@link ClusterBench}. Immutable.
 *
 * @param executors executor counts to sweep, each 1..{@link ClusterBench#MAX_EXECUTORS}, duplicates
 *     ignored
 * @param factories broadcast factories to sweep ({@code torrent}, {@code direct}), duplicates
 *     ignored
 * @param sizeBytes bytes per broadcast
 * @param rateBits each host's link rate in bit/s; with {@code loopback} only a reference, 0 for
 *     none
 * @param files broadcast a file of {@code sizeBytes} per repetition ({@code driver --files})
 *     instead of a value
 * @param driverRateBits the driver's link rate in bit/s, 0 for {@code rateBits} like every host's
 * @param delayMicros one-way delay between hosts, 0 for none; must be 0 with {@code loopback}
 * @param reps broadcasts per run, at least 1
 * @param warmup unreported broadcasts each driver runs first, at least 0; with 0 (the command's
 *     default) the first reported broadcast is the first of a freshly started cluster
 * @param warmupSizeBytes size of each warm-up broadcast; null for {@code sizeBytes}
 * @param loopback everything on 127.0.0.1, no namespaces or shaping
 * @param blockSizeBytes piece size passed to the driver, or null for its default
 * @param compress codec name passed to the driver, or null for its default
 * @param conf {@code KEY=VALUE} configuration for driver and executors
 * @param timeoutSeconds limit per run (one factory and executor count); 0 to derive it from size,
 *     rate and executors
 * @param jvmOpts options of the driver and executor JVMs; empty for {@link
 *     ClusterBench#defaultJvmOpts}: the user's ({@link JavaOpts}) plus a heap size
 * @param ceilingBytes with {@code loopback}, bytes of the plain TCP transfer that measures the
 *     loopback ceiling first ({@link TcpCeiling}); 0 to skip it
 * @param mainClass the class whose {@code main} runs the {@code driver} and {@code executor}
 *     subcommands, started with this JVM's classpath
 * @param out where results.csv, summary.md, time-vs-executors.png and logs/ go
 * @param commandLine the command as typed, for summary.md
 * @param slowExecutors how many executors, the last ones, are on slower links; 0 for none
 * @param slowRateBits their link rate in bit/s (with {@code slowExecutors} only)
 */
public record BenchSettings(
    List<Integer> executors,
    List<String> factories,
    long sizeBytes,
    long rateBits,
    long driverRateBits,
    long delayMicros,
    int reps,
    int warmup,
    Long warmupSizeBytes,
    boolean loopback,
    Long blockSizeBytes,
    String compress,
    List<String> conf,
    long timeoutSeconds,
    List<String> jvmOpts,
    long ceilingBytes,
    String mainClass,
    Path out,
    String commandLine,
    boolean files,
    int slowExecutors,
    long slowRateBits) {

  public BenchSettings {
    executors = List.copyOf(executors);
    factories = List.copyOf(factories);
    conf = List.copyOf(conf);
    jvmOpts = List.copyOf(jvmOpts);
    Objects.requireNonNull(mainClass, "mainClass");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(commandLine, "commandLine");
    if (executors.isEmpty() || factories.isEmpty()) {
      throw new IllegalArgumentException("executors and factories need at least one value");
    }
    for (int n : executors) {
      if (n < 1 || n > ClusterBench.MAX_EXECUTORS) {
        throw new IllegalArgumentException(
            "executors must be 1.." + ClusterBench.MAX_EXECUTORS + ": " + n);
      }
    }
    if (reps < 1 || warmup < 0) {
      throw new IllegalArgumentException("reps < 1 or warmup < 0: " + reps + ", " + warmup);
    }
    if (ceilingBytes < 0) {
      throw new IllegalArgumentException("ceilingBytes < 0: " + ceilingBytes);
    }
    if (loopback && delayMicros != 0) {
      throw new IllegalArgumentException(
          "a delay needs the emulated network, not loopback: " + delayMicros + " us");
    }
    if (slowExecutors == 0 && slowRateBits != 0) {
      throw new IllegalArgumentException(
          "--slow-rate without --slow-executors: which executors should be slow?");
    }
    if (slowExecutors < 0 || (slowExecutors > 0 && (loopback || slowRateBits <= 0))) {
      throw new IllegalArgumentException(
          "slow executors need the emulated network and a positive --slow-rate: "
              + slowExecutors
              + " at "
              + slowRateBits
              + " bit/s");
    }
    for (int n : executors) {
      if (slowExecutors >= n) {
        throw new IllegalArgumentException(
            "--slow-executors "
                + slowExecutors
                + " leaves no fast executor among "
                + n
                + ": the fast ones' time is what it measures");
      }
    }
  }
}
