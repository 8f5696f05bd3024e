package io.swarmcast.sim;

import io.swarmcast.conf.ByteSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;

/**
 * Writes a set of simulations to a directory: {@code results.csv} (one row per run), {@code
 * summary.md} (the command, the model's assumptions and the table), {@code finish-cdf.png}
 * (executors' finish times), {@code driver-link.png} (the driver's data and control bytes over
 * time), and {@code progress.csv} with {@code progress.png} (the pieces the driver has sent and the
 * executors hold over time: {@link SwarmProgress}).
 */
public final class SimReport {
  /** The columns of {@code results.csv}, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "executors",
          "size_bytes",
          "rate_bps",
          "last_ratio",
          "p50_ratio",
          "p99_ratio",
          "driver_data_bytes",
          "driver_control_bytes",
          "max_connections",
          "wall_seconds",
          "seed",
          "pieces",
          "piece_bytes",
          "finished",
          "failed",
          "killed",
          "unfinished",
          "fast_last_ratio",
          "fast_p99_ratio",
          "slow_last_ratio",
          "seeded_ratio",
          "driver_copies",
          "driver_control_share",
          "driver_control_messages",
          "driver_control_in_bytes",
          "peer_data_bytes",
          "have_notices",
          "locations_bytes",
          "locations_answered",
          "driver_connections",
          "tracker_seconds",
          "tracker_calls",
          "events",
          "driver_join_bytes");

  private SimReport() {}

  public static void write(Path dir, String command, List<SimResult> results) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.csv"), csv(results));
    Files.writeString(dir.resolve("summary.md"), summary(command, results));
    BitmapEncoder.saveBitmap(
        SimCharts.cdfChart(results),
        dir.resolve("finish-cdf.png").toString(),
        BitmapEncoder.BitmapFormat.PNG);
    BitmapEncoder.saveBitmap(
        SimCharts.driverLinkChart(results),
        dir.resolve("driver-link.png").toString(),
        BitmapEncoder.BitmapFormat.PNG);
    Files.writeString(dir.resolve("progress.csv"), progressCsv(results));
    BitmapEncoder.saveBitmap(
        SimCharts.progressChart(results),
        dir.resolve("progress.png").toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }

  /** The columns of progress.csv: see {@link SwarmProgress}. */
  public static final List<String> PROGRESS_COLUMNS =
      List.of(
          "executors",
          "seed",
          "time_ratio",
          "driver_pieces",
          "held_min",
          "held_p1",
          "held_p50",
          "held_p99",
          "held_max",
          "executors_counted",
          "pieces");

  static String progressCsv(List<SimResult> results) {
    StringBuilder b = new StringBuilder(String.join(",", PROGRESS_COLUMNS)).append('\n');
    for (SimResult r : results) {
      double ideal = r.scenario().idealSeconds();
      for (SwarmProgress.Point p : r.progress().points()) {
        b.append(
            String.format(
                Locale.ROOT,
                "%d,%d,%.4f,%d,%d,%d,%d,%d,%d,%d,%d%n",
                r.scenario().executors(),
                r.scenario().seed(),
                p.seconds() / ideal,
                p.driverPieces(),
                p.heldMin(),
                p.heldP1(),
                p.heldP50(),
                p.heldP99(),
                p.heldMax(),
                p.executors(),
                r.pieceCount()));
      }
    }
    return b.toString();
  }

  static String csv(List<SimResult> results) {
    StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    for (SimResult r : results) {
      Scenario s = r.scenario();
      List<Object> row =
          List.of(
              s.executors(),
              s.sizeBytes(),
              (long) s.rateBitsPerSecond(),
              f(r.lastRatio()),
              f(r.p50Ratio()),
              f(r.p99Ratio()),
              r.driverDataBytes(),
              r.driverControlBytes(),
              r.maxConnections(),
              f(r.wallSeconds()),
              s.seed(),
              r.pieceCount(),
              r.pieceBytes(),
              r.finished(),
              r.failed(),
              r.killed(),
              r.unfinished(),
              f(r.fastLastRatio()),
              f(r.fastP99Ratio()),
              f(r.slowLastRatio()),
              f(r.seededRatio()),
              f(r.driverCopies()),
              f(r.driverControlShare()),
              r.driverControlMessages(),
              r.driverControlIn(),
              r.peerDataBytes(),
              r.haveNotices(),
              r.locationsBytes(),
              r.locationsAnswered(),
              r.driverConnections(),
              f(r.trackerSeconds()),
              r.trackerCalls(),
              r.events(),
              r.driverJoinBytes());
      b.append(String.join(",", row.stream().map(String::valueOf).toList())).append('\n');
    }
    return b.toString();
  }

  static String summary(String command, List<SimResult> results) {
    StringBuilder b =
        new StringBuilder("# Swarmcast simulation\n\nCommand:\n\n```\n")
            .append(command)
            .append("\n```\n\n");
    if (!results.isEmpty()) {
      Scenario s = results.get(0).scenario();
      b.append(
          String.format(
              Locale.ROOT,
              "- One broadcast of %s to every executor at once, cut as a real driver cuts it; "
                  + "the nodes' own scheduler (`FetchScheduler`), tracker (`Tracker`) and upload policy (`UploadQueue`) decide.%n",
              ByteSize.format(s.sizeBytes())));
      b.append(
          String.format(
              Locale.ROOT,
              "- Links: %s each way (the driver's: %s), %.0f µs one way to the switch; "
                  + "a transfer's payload gets %.1f %% of the rate; a write completes with %d KiB of its connection unsent%s.%n",
              rate(s.rateBitsPerSecond()),
              rate(s.driverRate()),
              s.latencyNanos() / 1e3,
              100 * s.efficiency(),
              s.socketWindow() >> 10,
              s.sharedWindow()
                  ? " (shared among a host's connections, 64 KiB each at least)"
                  : ""));
      if (s.slowFraction() > 0
          || s.killFraction() > 0
          || s.lateFraction() > 0
          || s.driverDiesWhenSeeded()) {
        b.append(
            String.format(
                Locale.ROOT,
                "- Faults: %.1f %% of executors %.0f× slower; %.1f %% killed at %.2f × size÷bandwidth; "
                    + "%.1f %% join at %.2f ×; the driver %s once the swarm is seeded.%n",
                100 * s.slowFraction(),
                s.slowFactor(),
                100 * s.killFraction(),
                s.killAtRatio(),
                100 * s.lateFraction(),
                s.lateAtRatio(),
                s.driverDiesWhenSeeded() ? "dies" : "stays"));
      }
      b.append(
          "- Ratios are × size÷bandwidth, each executor against its own link, from when it started fetching. "
              + "`driver data` and `control` are what the driver's link uploaded, in copies of the value and in % of it; "
              + "`of which joins` is the part of `control` that answered registrations, once per executor, not per broadcast.\n\n");
    }
    b.append(
        "| executors | seed | pieces | last | p50 | p99 | fast last | driver data ×S | driver control | of which joins | control msgs "
            + "| Have notices | Locations bytes | max conns | tracker s | failed/killed | wall s |\n");
    b.append("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (SimResult r : results) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f %% | %.2f %% | %d | %d | %s | %d | %.2f | %d/%d | %.1f |%n",
              r.scenario().executors(),
              r.scenario().seed(),
              r.pieceCount(),
              r.lastRatio(),
              r.p50Ratio(),
              r.p99Ratio(),
              r.fastLastRatio(),
              r.driverCopies(),
              100 * r.driverControlShare(),
              100.0 * r.driverJoinBytes() / r.scenario().sizeBytes(),
              r.driverControlMessages(),
              r.haveNotices(),
              ByteSize.format(r.locationsBytes()),
              r.maxConnections(),
              r.trackerSeconds(),
              r.failed(),
              r.killed(),
              r.wallSeconds()));
    }
    b.append(
        "\nThe model, and how it was checked against the emulated cluster: docs/scaling.md.\n");
    return b.toString();
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String rate(double bits) {
    return bits >= 1e9
        ? String.format(Locale.ROOT, "%.3g Gbit/s", bits / 1e9)
        : String.format(Locale.ROOT, "%.3g Mbit/s", bits / 1e6);
  }
}
