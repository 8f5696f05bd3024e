package io.swarmcast.node;

import io.swarmcast.metrics.MetricFamily;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A node's metrics as a read-only JMX MBean, for JConsole, VisualVM and JMX exporters: one
 * attribute (a {@code double}) per sample, named like the Prometheus sample with its labels in
 * brackets, e.g. {@code swarmcast_received_bytes_total[source=peer]}. Histogram buckets are left
 * out (their sum and count are in). Values are read from the node at each access; the attribute
 * list is the one the node had when it was registered, plus whatever later samples appear in {@link
 * #getMBeanInfo()}.
 */
final class MetricsMBean implements DynamicMBean {
  private final Supplier<List<MetricFamily>> metrics;

  private MetricsMBean(Supplier<List<MetricFamily>> metrics) {
    this.metrics = metrics;
  }

  /**
   * Registers a node's metrics on the platform MBean server as {@code
   * io.swarmcast:type=Node,role=ROLE,port=PORT}; the returned handle unregisters them. A name
   * already taken (two nodes on one port number in one JVM cannot happen, but another library could
   * hold it) is an error naming it.
   */
  static AutoCloseable register(String role, int port, Supplier<List<MetricFamily>> metrics)
      throws JMException {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName("io.swarmcast:type=Node,role=" + ObjectName.quote(role) + ",port=" + port);
    server.registerMBean(new MetricsMBean(metrics), name);
    return () -> {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    };
  }

  private Map<String, Double> values() {
    Map<String, Double> out = new LinkedHashMap<>();
    for (MetricFamily f : metrics.get()) {
      for (MetricFamily.Sample s : f.samples()) {
        if (!s.suffix().equals("_bucket")) {
          out.put(attributeName(f, s), s.value());
        }
      }
    }
    return out;
  }

  static String attributeName(MetricFamily f, MetricFamily.Sample s) {
    StringBuilder b = new StringBuilder(s.name(f));
    List<String> labels = s.labels();
    if (!labels.isEmpty()) {
      b.append('[');
      for (int i = 0; i < labels.size(); i += 2) {
        b.append(i > 0 ? "," : "").append(labels.get(i)).append('=').append(labels.get(i + 1));
      }
      b.append(']');
    }
    return b.toString();
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    Double v = values().get(attribute);
    if (v == null) {
      throw new AttributeNotFoundException("no metric " + attribute);
    }
    return v;
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    Map<String, Double> all = values();
    AttributeList list = new AttributeList();
    for (String a : attributes) {
      if (all.containsKey(a)) {
        list.add(new Attribute(a, all.get(a)));
      }
    }
    return list;
  }

  @Override
  public void setAttribute(Attribute attribute) {
    throw new UnsupportedOperationException("Swarmcast's metrics are read-only");
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature) {
    throw new UnsupportedOperationException("Swarmcast's metrics MBean has no operations");
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    Map<String, String> help = new LinkedHashMap<>();
    for (MetricFamily f : metrics.get()) {
      for (MetricFamily.Sample s : f.samples()) {
        if (!s.suffix().equals("_bucket")) {
          help.put(attributeName(f, s), f.help());
        }
      }
    }
    List<MBeanAttributeInfo> attrs = new ArrayList<>();
    help.forEach(
        (name, doc) -> attrs.add(new MBeanAttributeInfo(name, "double", doc, true, false, false)));
    return new MBeanInfo(
        MetricsMBean.class.getName(),
        "A Swarmcast node's metrics",
        attrs.toArray(new MBeanAttributeInfo[0]),
        null,
        null,
        null);
  }
}
