package io.swarmcast.sim;

import io.swarmcast.conf.ByteSize;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes a set of simulations to a directory: {@code results.csv} (one row per run), {@code
 * summary.md} (the command, the model's assumptions and the table), {@code finish-cdf.png}
 * (executors' finish times) and {@code driver-link.png} (the driver's data and control bytes over
 * time).
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
        cdfChart(results),
        dir.resolve("finish-cdf.png").toString(),
        BitmapEncoder.BitmapFormat.PNG);
    BitmapEncoder.saveBitmap(
        driverLinkChart(results),
        dir.resolve("driver-link.png").toString(),
        BitmapEncoder.BitmapFormat.PNG);
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

  private static XYChart cdfChart(List<SimResult> results) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("Executors done by time")
            .xAxisTitle("time × size÷bandwidth")
            .yAxisTitle("executors done (%)")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setYAxisDecimalPattern("0");
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    for (SimResult r : results) {
      double[] x = r.finishRatios();
      if (x.length == 0) {
        continue;
      }
      // A step at each finish, in per cent of the executors, plus one point half-way up the first
      // step, on the line already drawn. XChart 3.8 puts its ticks at the data's own values when
      // they are equally spaced (within 1e-4), and the shares of n executors are; it then labelled
      // a tick at 0.95 as "1.0", and the curve rose above it. The extra point breaks the spacing,
      // so the ticks fall at round values.
      double step = 100.0 / r.scenario().executors();
      double[] sx = new double[2 * x.length + 1];
      double[] sy = new double[2 * x.length + 1];
      sx[0] = x[0];
      sy[0] = 0;
      sx[1] = x[0];
      sy[1] = step / 2;
      int k = 2;
      for (int i = 0; i < x.length; i++) {
        if (i > 0) {
          sx[k] = x[i];
          sy[k++] = i * step;
        }
        sx[k] = x[i];
        sy[k++] = (i + 1) * step;
      }
      XYSeries s = chart.addSeries(label(r), sx, sy);
      s.setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static XYChart driverLinkChart(List<SimResult> results) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("The driver's link: bytes uploaded")
            .xAxisTitle("time × size÷bandwidth")
            .yAxisTitle("copies of the value")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    for (SimResult r : results) {
      List<TimeSeries.Point> pts = r.driverLink().points();
      if (pts.size() < 2) {
        continue;
      }
      double ideal = r.scenario().idealSeconds();
      double size = r.scenario().sizeBytes();
      List<Double> t = new ArrayList<>();
      List<Double> data = new ArrayList<>();
      List<Double> control = new ArrayList<>();
      for (TimeSeries.Point p : pts) {
        t.add(p.seconds() / ideal);
        data.add(p.dataBytes() / size);
        control.add(p.controlBytes() / size);
      }
      chart.addSeries(label(r) + " data", t, data).setMarker(SeriesMarkers.NONE);
      chart.addSeries(label(r) + " control", t, control).setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static String label(SimResult r) {
    return r.scenario().executors() + " executors, seed " + r.scenario().seed();
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
