package io.swarmcast.metrics;

import java.util.List;

/**
 * Writes metric families in Prometheus's text exposition format, version 0.0.4, which every
 * Prometheus server and most agents scrape:
 *
 * <pre>
 * # HELP swarmcast_received_bytes_total Bytes of pieces received, by where they came from.
 * # TYPE swarmcast_received_bytes_total counter
 * swarmcast_received_bytes_total{source="driver"} 1.6777216E7
 * </pre>
 *
 * Label values are escaped ({@code \\}, {@code "}, newline), help text too ({@code \\}, newline).
 */
public final class PrometheusText {
  /** The {@code Content-Type} of this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private PrometheusText() {}

  /** The families as one exposition. */
  public static String write(List<MetricFamily> families) {
    StringBuilder out = new StringBuilder(families.size() * 160);
    for (MetricFamily f : families) {
      out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
      out.append("# TYPE ")
          .append(f.name())
          .append(' ')
          .append(f.type().prometheusName())
          .append('\n');
      for (MetricFamily.Sample s : f.samples()) {
        out.append(s.name(f));
        List<String> labels = s.labels();
        if (!labels.isEmpty()) {
          out.append('{');
          for (int i = 0; i < labels.size(); i += 2) {
            if (i > 0) {
              out.append(',');
            }
            out.append(labels.get(i))
                .append("=\"")
                .append(escapeLabel(labels.get(i + 1)))
                .append('"');
          }
          out.append('}');
        }
        out.append(' ').append(number(s.value())).append('\n');
      }
    }
    return out.toString();
  }

  /**
   * A value as the format writes it: integers without a fraction, and {@code +Inf}, {@code -Inf},
   * {@code NaN}.
   */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    } else if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
