package io.swarmcast.bench.cluster;

import io.swarmcast.cli.LinkUnits;
import io.swarmcast.conf.ByteSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code time-vs-executors.png}: median seconds against executors, one series per factory, plus
 * size÷bandwidth.
 */
final class BenchChart {
  private BenchChart() {}

  /** Draws the chart headless and writes it as PNG to {@code file}. */
  static void write(Path file, List<BenchSummary.Group> groups, BenchSummary.Setup setup)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    String title =
        "Broadcast of "
            + ByteSize.format(setup.sizeBytes())
            + (setup.loopback()
                ? " on loopback (no shaping)"
                : " over " + LinkUnits.humanRate(setup.rateBits()) + " links");
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title(title)
            .xAxisTitle("executors")
            .yAxisTitle("median seconds")
            .build();
    XYStyler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.InsideNW);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
    styler.setXAxisDecimalPattern("#");
    styler.setYAxisMin(0.0);

    Map<String, List<BenchSummary.Group>> byFactory = new LinkedHashMap<>();
    for (BenchSummary.Group g : groups) {
      byFactory.computeIfAbsent(g.factory(), k -> new ArrayList<>()).add(g);
    }
    double minX = Double.MAX_VALUE;
    double maxX = 0;
    for (Map.Entry<String, List<BenchSummary.Group>> e : byFactory.entrySet()) {
      List<BenchSummary.Group> series =
          e.getValue().stream()
              .sorted(Comparator.comparingInt(BenchSummary.Group::executors))
              .toList();
      double[] x = series.stream().mapToDouble(BenchSummary.Group::executors).toArray();
      double[] y = series.stream().mapToDouble(BenchSummary.Group::seconds).toArray();
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      for (double v : x) {
        minX = Math.min(minX, v);
        maxX = Math.max(maxX, v);
      }
    }
    double lb = BenchRow.lowerBound(setup.sizeBytes(), setup.rateBits());
    if (lb > 0 && maxX > 0) {
      double[] x = minX == maxX ? new double[] {minX - 0.5, maxX + 0.5} : new double[] {minX, maxX};
      XYSeries line =
          chart.addSeries(
              "size ÷ bandwidth" + (setup.loopback() ? " (--rate, not enforced)" : ""),
              x,
              new double[] {lb, lb});
      line.setMarker(SeriesMarkers.NONE);
      line.setLineColor(Color.GRAY);
      line.setLineStyle(
          new BasicStroke(
              2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
    }
    if (byFactory.isEmpty()) {
      chart
          .addSeries("no results", new double[] {0}, new double[] {0})
          .setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
