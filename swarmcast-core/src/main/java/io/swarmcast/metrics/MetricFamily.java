package io.swarmcast.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One named metric and its current samples, as Prometheus models it: a counter, a gauge or a
 * histogram, with units in the name ({@code _bytes}, {@code _seconds}) and counters ending in
 * {@code _total}. A node builds its families afresh for every scrape from counters it keeps anyway,
 * so the core needs no metrics library; {@link PrometheusText} writes them, {@code MetricsMBean}
 * offers them over JMX, and a bridge can hand them to Micrometer or Dropwizard.
 *
 * @param name the family's name, e.g. {@code swarmcast_received_bytes_total}
 * @param help one line saying what it counts
 * @param type counter, gauge or histogram
 * @param samples its samples; a histogram's are its buckets, sum and count (see {@link #histogram})
 */
public record MetricFamily(String name, String help, Type type, List<Sample> samples) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** Prometheus's metric types that Swarmcast uses. */
  public enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM;

    /** The name in Prometheus's {@code # TYPE} line. */
    public String prometheusName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One value: {@code suffix} is appended to the family's name ({@code _bucket}, {@code _sum},
   * {@code _count} for a histogram, empty otherwise); {@code labels} alternate names and values.
   */
  public record Sample(String suffix, List<String> labels, double value) {
    public Sample {
      Objects.requireNonNull(suffix, "suffix");
      labels = List.copyOf(labels);
      if (labels.size() % 2 != 0) {
        throw new IllegalArgumentException("labels must alternate names and values: " + labels);
      }
      for (int i = 0; i < labels.size(); i += 2) {
        if (!NAME.matcher(labels.get(i)).matches()) {
          throw new IllegalArgumentException("not a label name: " + labels.get(i));
        }
      }
    }

    /** The sample's full name: the family's name and this suffix. */
    public String name(MetricFamily family) {
      return family.name() + suffix;
    }
  }

  public MetricFamily {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    if (type == Type.COUNTER && !name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends in _total: " + name);
    }
    Objects.requireNonNull(help, "help");
    samples = List.copyOf(samples);
  }

  /** A family with one unlabelled value. */
  public static MetricFamily of(String name, String help, Type type, double value) {
    return new MetricFamily(name, help, type, List.of(new Sample("", List.of(), value)));
  }

  /**
   * A histogram from cumulative bucket counts: {@code cumulative[i]} observations were at most
   * {@code bounds[i]}; {@code count} in all (the {@code +Inf} bucket), adding up to {@code sum}.
   */
  public static MetricFamily histogram(
      String name, String help, double[] bounds, long[] cumulative, long count, double sum) {
    if (bounds.length != cumulative.length) {
      throw new IllegalArgumentException(
          bounds.length + " bounds but " + cumulative.length + " buckets");
    }
    List<Sample> samples = new ArrayList<>(bounds.length + 3);
    for (int i = 0; i < bounds.length; i++) {
      samples.add(
          new Sample("_bucket", List.of("le", PrometheusText.number(bounds[i])), cumulative[i]));
    }
    samples.add(new Sample("_bucket", List.of("le", "+Inf"), count));
    samples.add(new Sample("_sum", List.of(), sum));
    samples.add(new Sample("_count", List.of(), count));
    return new MetricFamily(name, help, Type.HISTOGRAM, samples);
  }
}
