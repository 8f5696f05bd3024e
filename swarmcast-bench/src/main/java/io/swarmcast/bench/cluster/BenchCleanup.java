package io.swarmcast.bench.cluster;

/**
 * What {@code swarmcast bench} must stop on exit, error or Ctrl-C: the current run's processes and the
 * current emulated cluster. Creating either and tearing down hold this object's lock, so a shutdown
 * hook never races a cluster being built; after {@link #stopAll()} nothing new may start.
 */
final class BenchCleanup {
  boolean stopping;
  BenchRun run;
  /** The current Spark cluster of {@code bench --spark}, if any. */
  SparkRun spark;
  NetnsCluster cluster;

  /** From the shutdown hook (Ctrl-C, kill): says what it stops, then stops it. */
  synchronized void interrupted() {
    if (!stopping && (run != null || spark != null || cluster != null)) {
      System.err.println("swarmcast bench: interrupted; stopping the driver and executors"
          + (cluster != null ? " and removing namespaces " + cluster.plan().namespaces() : ""));
    }
    stopAll();
  }

  /** Kills the run's processes by PID, then deletes the cluster's namespaces. Idempotent. */
  synchronized void stopAll() {
    stopping = true;
    if (run != null) {
      run.kill();
    }
    if (spark != null) {
      spark.kill();
    }
    if (cluster != null) {
      cluster.close();
    }
  }
}
