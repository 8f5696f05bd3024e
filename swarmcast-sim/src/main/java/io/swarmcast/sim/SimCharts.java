package io.swarmcast.sim;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The charts {@link SimReport} writes, one series (or a few) per simulation. */
final class SimCharts {
  private SimCharts() {}

  /** A white chart over time in × size÷bandwidth, its legend at {@code legend}. */
  private static XYChart overTime(String title, String yTitle, Styler.LegendPosition legend) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title(title)
            .xAxisTitle("time × size÷bandwidth")
            .yAxisTitle(yTitle)
            .build();
    chart.getStyler().setLegendPosition(legend);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return chart;
  }

  /**
   * Pieces the driver has sent and the executors hold, in % of the pieces, against the pace of a
   * link that carries nothing but the value's bytes.
   */
  static XYChart progressChart(List<SimResult> results) {
    XYChart chart =
        overTime(
            "Pieces sent by the driver and held by the executors",
            "pieces (%)",
            Styler.LegendPosition.InsideSE);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    chart.getStyler().setYAxisDecimalPattern("0");
    double end = 0;
    double efficiency = Double.NaN;
    for (SimResult r : results) {
      List<SwarmProgress.Point> pts = r.progress().points();
      if (pts.size() < 2) {
        continue;
      }
      efficiency = r.scenario().efficiency();
      double ideal = r.scenario().idealSeconds();
      double pieces = r.pieceCount();
      List<Double> t = new ArrayList<>();
      List<Double> driver = new ArrayList<>();
      List<Double> p50 = new ArrayList<>();
      List<Double> p1 = new ArrayList<>();
      for (SwarmProgress.Point p : pts) {
        t.add(p.seconds() / ideal);
        driver.add(100 * p.driverPieces() / pieces);
        p50.add(100 * p.heldP50() / pieces);
        p1.add(100 * p.heldP1() / pieces);
      }
      end = Math.max(end, t.get(t.size() - 1));
      chart.addSeries(label(r) + ": the driver sent", t, driver).setMarker(SeriesMarkers.NONE);
      chart.addSeries(label(r) + ": held, median", t, p50).setMarker(SeriesMarkers.NONE);
      chart.addSeries(label(r) + ": held, 1st percentile", t, p1).setMarker(SeriesMarkers.NONE);
    }
    if (end > 0) {
      // The payload's pace on a link: what the driver could send at best.
      double full = 1 / efficiency;
      chart
          .addSeries(
              "a link's payload pace",
              new double[] {0, full, Math.max(end, full)},
              new double[] {0, 100, 100})
          .setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  static XYChart cdfChart(List<SimResult> results) {
    XYChart chart =
        overTime("Executors done by time", "executors done (%)", Styler.LegendPosition.InsideSE);
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

  static XYChart driverLinkChart(List<SimResult> results) {
    XYChart chart =
        overTime(
            "The driver's link: bytes uploaded",
            "copies of the value",
            Styler.LegendPosition.InsideNW);
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
}
