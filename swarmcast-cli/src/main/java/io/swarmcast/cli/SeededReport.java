package io.swarmcast.cli;

import io.swarmcast.node.DriverNode;
import io.swarmcast.tracker.ExecutorInfo;
import io.swarmcast.tracker.Tracker;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The driver's half of {@code demo --kill-driver-after-seeded} ({@code driver --report-seeded}):
 * while a reported round's pieces move, a watcher thread polls the tracker and prints one line on
 * stdout, flushed, as soon as the broadcast is seeded:
 *
 * <pre>
 * {"seeded":&lt;broadcastId&gt;,"pieces":&lt;pieceCount&gt;}
 * </pre>
 *
 * Seeded means every piece is held by at least one executor ({@link Tracker#isSeeded}) and every
 * executor of the round holds at least one: its fetch is under way, so it can finish with its peers
 * alone (a read that starts after the driver died cannot). The demo SIGKILLs the driver on that
 * line. At most one line per watched broadcast. Thread-safe.
 */
final class SeededReport {
  /** How often the watcher looks at the tracker. */
  private static final long POLL_MILLIS = 2;

  /** Where the line goes; null when off. */
  private final PrintStream out;

  private SeededReport(PrintStream out) {
    this.out = out;
  }

  /** Reports nothing: every driver but the demo's child. */
  static SeededReport off() {
    return new SeededReport(null);
  }

  /** Reports to {@code out}, which should be stdout with {@code --json}. */
  static SeededReport to(PrintStream out) {
    return new SeededReport(Objects.requireNonNull(out, "out"));
  }

  /**
   * True if broadcast {@code broadcastId} is seeded among {@code executors}, in the sense above.
   */
  static boolean seeded(Tracker tracker, long broadcastId, List<ExecutorInfo> executors) {
    if (!tracker.isSeeded(broadcastId)) {
      return false;
    }
    for (ExecutorInfo e : executors) {
      if (tracker.piecesHeldBy(broadcastId, e.id()) == 0) {
        return false;
      }
    }
    return true;
  }

  /** The line that reports broadcast {@code broadcastId} seeded, as the demo reads it. */
  static String line(long broadcastId, int pieceCount) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("seeded", broadcastId);
    json.put("pieces", pieceCount);
    return JsonLine.write(json);
  }

  /** Starts watching the broadcast; closing the watch stops it, whether or not it reported. */
  ExecutorFaults.Watch watch(
      DriverNode driver, long broadcastId, int pieceCount, List<ExecutorInfo> executors) {
    if (out == null) {
      return () -> {};
    }
    return ExecutorFaults.Watch.polling(
        "swarmcast-seeded-report",
        POLL_MILLIS,
        () -> seeded(driver.tracker(), broadcastId, executors),
        () -> {
          out.println(line(broadcastId, pieceCount));
          out.flush();
        },
        () -> {});
  }
}
