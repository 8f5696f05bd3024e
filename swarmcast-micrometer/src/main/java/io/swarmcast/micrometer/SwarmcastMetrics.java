package io.swarmcast.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.metrics.MetricFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Binds a node's metrics ({@link BroadcastManager#metrics()}) to a Micrometer registry:
 *
 * <pre>
 * new SwarmcastMetrics(manager).bindTo(registry);
 * </pre>
 *
 * Each Prometheus family becomes the Micrometer meter that a Prometheus registry writes back under
 * the same name: counters become {@link FunctionCounter}s, gauges {@link Gauge}s, the fetch-time
 * histogram a {@link FunctionTimer} (its count and total; Micrometer has no meter for fixed
 * external buckets). Names follow Micrometer's convention, dotted with the unit as base unit:
 * {@code swarmcast_received_bytes_total{source}} is {@code swarmcast.received} in {@code bytes},
 * tag {@code source}. Values are read from the node whenever the registry polls; nothing is copied.
 */
public final class SwarmcastMetrics implements MeterBinder {
  private final BroadcastManager manager;
  private final List<Tag> commonTags;

  /** Every meter tagged {@code role=driver} or {@code role=executor}. */
  public SwarmcastMetrics(BroadcastManager manager) {
    this(manager, List.of(Tag.of("role", manager.isDriver() ? "driver" : "executor")));
  }

  /** With {@code commonTags} on every meter instead of {@code role}. */
  public SwarmcastMetrics(BroadcastManager manager, Iterable<Tag> commonTags) {
    this.manager = manager;
    this.commonTags = new ArrayList<>();
    commonTags.forEach(this.commonTags::add);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (MetricFamily f : manager.metrics()) {
      switch (f.type()) {
        case COUNTER -> bindCounter(registry, f);
        case GAUGE -> bindGauge(registry, f);
        case HISTOGRAM -> bindHistogram(registry, f);
        default -> throw new IllegalStateException("unknown metric type " + f.type());
      }
    }
  }

  private void bindCounter(MeterRegistry registry, MetricFamily f) {
    Name n = Name.of(f.name().substring(0, f.name().length() - "_total".length()));
    for (MetricFamily.Sample s : f.samples()) {
      FunctionCounter.builder(n.dotted, manager, x -> value(f.name(), s.suffix(), s.labels()))
          .description(f.help())
          .baseUnit(n.unit)
          .tags(tags(s.labels()))
          .register(registry);
    }
  }

  private void bindGauge(MeterRegistry registry, MetricFamily f) {
    Name n = Name.of(f.name());
    for (MetricFamily.Sample s : f.samples()) {
      Gauge.builder(n.dotted, manager, x -> value(f.name(), s.suffix(), s.labels()))
          .description(f.help())
          .baseUnit(n.unit)
          .tags(tags(s.labels()))
          .register(registry);
    }
  }

  private void bindHistogram(MeterRegistry registry, MetricFamily f) {
    Name n = Name.of(f.name());
    FunctionTimer.builder(
            n.dotted,
            manager,
            x -> (long) value(f.name(), "_count", List.of()),
            x -> value(f.name(), "_sum", List.of()),
            TimeUnit.SECONDS)
        .description(f.help())
        .tags(commonTags)
        .register(registry);
  }

  private List<Tag> tags(List<String> labels) {
    List<Tag> tags = new ArrayList<>(commonTags);
    for (int i = 0; i < labels.size(); i += 2) {
      tags.add(Tag.of(labels.get(i), labels.get(i + 1)));
    }
    return tags;
  }

  /** The sample's current value, read from the node; NaN if the node no longer reports it. */
  private double value(String family, String suffix, List<String> labels) {
    for (MetricFamily f : manager.metrics()) {
      if (f.name().equals(family)) {
        for (MetricFamily.Sample s : f.samples()) {
          if (s.suffix().equals(suffix) && s.labels().equals(labels)) {
            return s.value();
          }
        }
      }
    }
    return Double.NaN;
  }

  /** A Prometheus name split into Micrometer's dotted name and base unit. */
  private record Name(String dotted, String unit) {
    static Name of(String prometheus) {
      for (String unit : List.of("bytes", "seconds")) {
        if (prometheus.endsWith("_" + unit)) {
          return new Name(
              prometheus.substring(0, prometheus.length() - unit.length() - 1).replace('_', '.'),
              unit);
        }
      }
      return new Name(prometheus.replace('_', '.'), null);
    }
  }
}
