package io.swarmcast.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plugin on a real multi-JVM Spark: {@code local-cluster[3,1,1024]} runs a master and three
 * workers in the driver JVM and forks one executor JVM per worker, each loading the plugin from the
 * shaded jar next to Spark's own Netty 4.1, lz4-java, Kryo 4 and SLF4J. Every task reads the
 * broadcast; the test checks the digests, that every executor took part and read the value once,
 * that the driver sent about one copy (the executors exchanged the rest), that after Spark gives an
 * executor back and starts another (what dynamic allocation does) the newcomer joins and reads the
 * same broadcast, and that the counters reached Spark's metric system (a CSV sink).
 */
class SwarmcastSparkClusterIT {
  private static final int EXECUTORS = 3;
  private static final int VALUE_BYTES = 24 << 20;
  private static final String METRIC_PREFIX = "plugin." + SwarmcastPlugin.class.getName() + ".";

  @Test
  @Timeout(240)
  void everyExecutorReadsTheSameValueAndTheDriverSendsAboutOneCopy() throws Exception {
    Path dir = SparkJvm.workDir();
    Path out = dir.resolve("cluster.out");
    Path log = dir.resolve("cluster.log");
    Path metrics = dir.resolve("cluster-metrics");
    Files.deleteIfExists(out);
    deleteTree(metrics);

    int exit =
        SparkJvm.run(
            BroadcastDigestJob.class,
            log,
            Duration.ofSeconds(200),
            "churn",
            "local-cluster[" + EXECUTORS + ",1,1024]",
            Integer.toString(EXECUTORS),
            Integer.toString(VALUE_BYTES),
            Integer.toString(4 * EXECUTORS),
            out.toString(),
            SparkJvm.shadedJar().toString(),
            metrics.toString());

    assertThat(exit).as("driver exit status; log:\n%s", SparkJvm.tail(log, 80)).isZero();
    JobOutput result = JobOutput.read(out);
    assertThat(result.tasks()).hasSize(4 * EXECUTORS);
    assertThat(result.tasks()).allSatisfy(t -> assertThat(t.digest()).isEqualTo(result.expected()));
    Map<String, List<JobOutput.Task>> byExecutor =
        result.tasks().stream().collect(Collectors.groupingBy(JobOutput.Task::executor));
    assertThat(byExecutor.keySet())
        .as("executors that ran a task")
        .hasSize(EXECUTORS)
        .doesNotContain("driver");
    byExecutor.forEach(
        (executor, tasks) -> {
          // One fetch and one deserialized value per executor JVM, however many tasks ran there.
          assertThat(tasks.stream().map(JobOutput.Task::identity).collect(Collectors.toSet()))
              .as(executor)
              .hasSize(1);
          JobOutput.Task t = tasks.get(0);
          assertThat(t.fromDriver() + t.fromPeers())
              .as("bytes executor %s received", executor)
              .isBetween((long) VALUE_BYTES, VALUE_BYTES + VALUE_BYTES / 4L);
        });
    // Random bytes do not compress: a copy is about VALUE_BYTES. Three copies went out; the driver
    // sent ~one.
    assertThat(result.driverServed())
        .as("bytes the driver node sent")
        .isBetween((long) VALUE_BYTES, (long) (VALUE_BYTES * 1.25));
    assertThat(result.tasks().stream().mapToLong(JobOutput.Task::fromPeers).sum()).isPositive();

    // SwarmcastSpark.addFile: every executor read the file from a copy of its own, intact.
    List<String> lines = Files.readAllLines(out);
    String[] source =
        lines.stream()
            .filter(l -> l.startsWith("fileSource "))
            .findFirst()
            .orElseThrow()
            .split(" ");
    List<String[]> fileTasks =
        lines.stream().filter(l -> l.startsWith("file ")).map(l -> l.split(" ")).toList();
    assertThat(fileTasks)
        .hasSize(4 * EXECUTORS)
        .allSatisfy(
            f -> {
              assertThat(f[2]).as("digest of executor %s's copy", f[1]).isEqualTo(source[1]);
              assertThat(f[3]).as("executor %s reads its own copy", f[1]).isNotEqualTo(source[2]);
            });
    assertThat(fileTasks.stream().map(f -> f[1]).collect(Collectors.toSet())).hasSize(EXECUTORS);

    // Executors come and go: one was given back, a new one came; all three read the broadcast made
    // before.
    assertThat(result.killed()).isIn(byExecutor.keySet());
    Map<String, List<JobOutput.Task>> after =
        result.after().stream().collect(Collectors.groupingBy(JobOutput.Task::executor));
    assertThat(after.keySet())
        .as("executors after the replacement")
        .hasSize(EXECUTORS)
        .doesNotContain(result.killed());
    assertThat(result.after()).allSatisfy(t -> assertThat(t.digest()).isEqualTo(result.expected()));
    String newcomer =
        after.keySet().stream().filter(id -> !byExecutor.containsKey(id)).findFirst().orElseThrow();
    JobOutput.Task first = after.get(newcomer).get(0);
    assertThat(first.fromDriver() + first.fromPeers())
        .as("bytes the newcomer %s received", newcomer)
        .isBetween((long) VALUE_BYTES, VALUE_BYTES + VALUE_BYTES / 4L);

    // The counters reached Spark's metric system on every executor alive at the end, and the
    // driver. (The one given back may have stopped before its sink's last report.)
    for (String id : Stream.concat(after.keySet().stream(), Stream.of("driver")).toList()) {
      assertThat(metricFiles(metrics, id))
          .as("metrics of %s in %s", id, metrics)
          .contains(
              METRIC_PREFIX + "bytesFromDriver",
              METRIC_PREFIX + "bytesFromPeers",
              METRIC_PREFIX + "bytesServed",
              METRIC_PREFIX + "piecesServed",
              METRIC_PREFIX + "fetchTimeMs");
    }
    long fromDriver =
        after.keySet().stream().mapToLong(id -> lastValue(metrics, id, "bytesFromDriver")).sum();
    long fromPeers =
        after.keySet().stream().mapToLong(id -> lastValue(metrics, id, "bytesFromPeers")).sum();
    assertThat(fromDriver + fromPeers)
        .as("bytes received, as the executors' metrics say")
        .isGreaterThanOrEqualTo((long) EXECUTORS * VALUE_BYTES);
  }

  /**
   * The names of the metrics whose CSV files a sink wrote for executor {@code id} ({@code
   * APP.ID.NAME.csv}).
   */
  private static Set<String> metricFiles(Path dir, String id) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.contains("." + id + "." + METRIC_PREFIX))
          .map(n -> n.substring(n.indexOf(METRIC_PREFIX), n.length() - ".csv".length()))
          .collect(Collectors.toSet());
    }
  }

  /**
   * The last value a CSV sink wrote for metric {@code name} of executor {@code id} (lines {@code
   * t,value}).
   */
  private static long lastValue(Path dir, String id, String name) {
    try (Stream<Path> files = Files.list(dir)) {
      Path file =
          files
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .endsWith("." + id + "." + METRIC_PREFIX + name + ".csv"))
              .findFirst()
              .orElseThrow();
      List<String> lines = Files.readAllLines(file);
      String last = lines.get(lines.size() - 1);
      return Long.parseLong(last.substring(last.lastIndexOf(',') + 1).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
