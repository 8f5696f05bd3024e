package io.swarmcast.bench.cluster;

import io.swarmcast.cli.LinkUnits;
import io.swarmcast.conf.ByteSize;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code summary.md} of {@code bench --spark}: the setup, the usual tables, and the speed-up of
 * Swarmcast over sc.broadcast. Stateless.
 */
final class SparkSummary {
  private SparkSummary() {}

  static String markdown(BenchSummary.Setup setup, List<BenchSummary.Group> groups) {
    boolean files = groups.stream().anyMatch(g -> g.factory().equals(SparkBench.SPARK_FILES));
    StringBuilder sb =
        new StringBuilder(
            files
                ? "# Swarmcast inside Spark, side by side with sc.addFile\n\n"
                : "# Swarmcast inside Spark, side by side with sc.broadcast\n\n");
    sb.append("Command:\n\n```\n").append(setup.commandLine()).append("\n```\n\n");
    if (!files) {
      sb.append(
              "- One Spark standalone cluster per executor count (a master on the driver host, one worker with one core "
                  + "per executor host, started fresh), and one application on it: per repetition a fresh ")
          .append(ByteSize.format(setup.sizeBytes()))
          .append(
              " of random bytes through `sc.broadcast` (factory `spark-torrent`, Spark's TorrentBroadcast with its "
                  + "defaults) and through `SwarmcastSpark.broadcast` (`swarmcast`), in alternating order, each read by one "
                  + "task per executor. `seconds` runs from the broadcast call to the last task's result on the driver, a "
                  + "job's scheduling included for both; after the clock stops, a second job checks every executor's copy "
                  + "against the driver's SHA-256 (the application log has a `phases` line per broadcast: when the handle "
                  + "existed, and when each executor's task started and had the value).\n");
    }
    if (files) {
      sb.append(
          "- One Spark standalone cluster per executor count (a master on the driver host, one worker with one core "
              + "per executor host, started fresh), and one application on it.\n");
      sb.append(
          "- With `--files`: per repetition a fresh file of that size on the driver host goes out by `sc.addFile` "
              + "(factory `spark-addFile`; every executor fetches it from the driver's file server when its task starts) and "
              + "by `SwarmcastSpark.addFile` (`swarmcast-addFile`), each read by one task per executor through `SparkFiles.get` "
              + "or `SwarmcastFiles.get`; `seconds` runs from the add call to the last task's result; after the clock, a second "
              + "job checks every executor's copy against the file's SHA-256. Spark's `spark.network.timeout` and "
              + "`spark.files.fetchTimeout` are raised to the run's limit: at their defaults a large file through the shared "
              + "link never arrived (512 MiB to 8 executors at 100 Mbit/s: every download was cut after 120 s and its task "
              + "started over).\n");
    }
    sb.append(
        "- Spark does not report what its broadcasts send: its `driverBytesSent`/`peerBytesSent` are -1 in "
            + "results.csv. Heap and CPU are not measured here (0 and empty).\n");
    sb.append(
            "- JVM options: Spark's own defaults, as a Spark user's processes have them (the --add-opens flags Java 17 "
                + "needs); the driver also `")
        .append(String.join(" ", setup.jvmOpts()))
        .append(
            "`, the executors the same without the heap, which Spark sets from spark.executor.memory.\n");
    sb.append(
        setup.loopback()
            ? "- Network: none emulated; every process on 127.0.0.1 without shaping.\n"
            : "- Network: one Linux network namespace per host on a bridge; every host's link shaped to "
                + LinkUnits.humanRate(setup.rateBits())
                + " in each direction (HTB, one fair class per peer); size÷bandwidth = "
                + String.format(
                    Locale.ROOT, "%.3f", BenchRow.lowerBound(setup.sizeBytes(), setup.rateBits()))
                + " s.\n");
    sb.append("\n").append(BenchSummary.table(groups)).append("\n").append(speedups(groups));
    if (!setup.failures().isEmpty()) {
      sb.append("\n## Failures\n\n");
      setup.failures().forEach(f -> sb.append("- ").append(f.replace("\n", "\n  ")).append('\n'));
    }
    return sb.toString();
  }

  /**
   * Per executor count: both medians and their ratio (sc.broadcast ÷ Swarmcast: above 1, Swarmcast
   * is faster).
   */
  static String speedups(List<BenchSummary.Group> groups) {
    Map<Integer, BenchSummary.Group> spark = new TreeMap<>();
    Map<Integer, BenchSummary.Group> swarm = new TreeMap<>();
    for (BenchSummary.Group g : groups) {
      (g.factory().startsWith("spark-") ? spark : swarm).put(g.executors(), g);
    }
    boolean files = groups.stream().anyMatch(g -> g.factory().equals(SparkBench.SPARK_FILES));
    StringBuilder sb =
        new StringBuilder(
            files
                ? "| executors | sc.addFile median s | SwarmcastSpark.addFile median s | speed-up (medians) | speed-up, first file |\n"
                : "| executors | sc.broadcast median s | Swarmcast median s | speed-up (medians) | speed-up, first broadcast |\n");
    sb.append("|--:|--:|--:|--:|--:|\n");
    for (Map.Entry<Integer, BenchSummary.Group> e : spark.entrySet()) {
      BenchSummary.Group s = e.getValue();
      BenchSummary.Group w = swarm.get(e.getKey());
      if (w == null) {
        continue;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %d | %.3f | %.3f | %.2f× | %.2f× |%n",
              e.getKey(),
              s.seconds(),
              w.seconds(),
              s.seconds() / w.seconds(),
              s.firstSeconds() / w.firstSeconds()));
    }
    return sb.toString();
  }
}
