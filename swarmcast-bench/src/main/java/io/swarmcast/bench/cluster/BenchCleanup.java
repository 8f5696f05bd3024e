package io.swarmcast.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;

/**
 * What {@code swarmcast bench} must stop on exit, error or Ctrl-C: the current run's processes and
 * the current emulated cluster. {@link #begin} (which builds the cluster) and every teardown hold
 * this object's lock, so a shutdown hook never races a cluster being built; after {@link
 * #stopAll()} nothing new may start. {@link #onShutdown} registers it to run on exit; {@link
 * #close} stops everything and unregisters it.
 */
final class BenchCleanup implements AutoCloseable {
  /** A run's processes: a driver and its executors, or a Spark cluster. */
  interface Processes {
    /** Kills every process by PID. */
    void kill();
  }

  private boolean stopping;
  private Processes processes;
  private NetnsCluster cluster;
  private Thread hook;

  private BenchCleanup() {}

  /** A cleanup that also runs if the JVM exits mid-sweep (Ctrl-C, kill). */
  static BenchCleanup onShutdown() {
    BenchCleanup c = new BenchCleanup();
    c.hook = new Thread(c::interrupted, "swarmcast-bench-cleanup");
    Runtime.getRuntime().addShutdownHook(c.hook);
    return c;
  }

  /**
   * Starts a run: builds {@code plan}'s emulated cluster (none for loopback: null) and makes {@code
   * processes} the ones to kill. False, building nothing, once stopping.
   */
  synchronized boolean begin(Processes processes, NetnsPlan plan, PrintStream err)
      throws IOException {
    if (stopping) {
      return false;
    }
    if (plan != null) {
      cluster = NetnsCluster.create(plan, err);
    }
    this.processes = processes;
    return true;
  }

  /**
   * Ends a run: forgets its processes (their owner closed them) and removes its cluster's
   * namespaces.
   */
  synchronized void end() {
    processes = null;
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /** From the shutdown hook (Ctrl-C, kill): says what it stops, then stops it. */
  synchronized void interrupted() {
    if (!stopping && (processes != null || cluster != null)) {
      System.err.println(
          "swarmcast bench: interrupted; stopping the driver and executors"
              + (cluster != null ? " and removing namespaces " + cluster.plan().namespaces() : ""));
    }
    stopAll();
  }

  /** Kills the run's processes by PID, then deletes the cluster's namespaces. Idempotent. */
  synchronized void stopAll() {
    stopping = true;
    if (processes != null) {
      processes.kill();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** At the end of a sweep: {@link #stopAll()}, and no more shutdown hook. */
  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or ran
    }
  }
}
