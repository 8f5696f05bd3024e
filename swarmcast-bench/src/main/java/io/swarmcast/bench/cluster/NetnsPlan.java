package io.swarmcast.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ip} and {@code tc} command lines that build, shape and remove one emulated cluster:
 * pure, it runs nothing ({@link NetnsCluster} does), so the commands can be tested without root.
 *
 * <p>Topology: a star. One network namespace per host, {@code <prefix>d} for the driver and {@code
 * <prefix>e1}, {@code <prefix>e2}, ... for the executors, and one more, {@code <prefix>br}, holding
 * a bridge {@code br0}. Each host has a veth pair: {@code eth0} inside the host's namespace ({@code
 * 10.77.0.1} for the driver, {@code 10.77.0.(1+i)} for executor i, a /24 that exists only in these
 * namespaces) and {@code v-d} / {@code v-e<i>} enslaved to the bridge. Every interface lives in a
 * namespace of ours, so deleting the namespaces removes everything and the root namespace is
 * untouched.
 *
 * <p>Shaping: each host's link is shaped to the rate in both directions. Egress on the host's
 * {@code eth0}; ingress by shaping the egress of the bridge-side end {@code v-*} (the traffic
 * towards the host), since a qdisc can only delay what it sends. Both use HTB with one class per
 * other host (filtered on destination IP on the host side and on source IP on the bridge side),
 * each with {@code rate = link/(hosts-1)} and {@code ceil = link} under a parent of {@code link}: a
 * lone flow gets the whole link, and flows sharing a link share it fairly per peer, as in a
 * switched network whose ports are the bottleneck. This replaces fq/sfq (not available here) and,
 * unlike one FIFO per link, keeps one busy peer from starving the others. Leaves are bfifo of
 * max(256 KiB, 20 ms at link rate); with {@code --delay} the host-side leaves are netem instead, so
 * every packet between two hosts is delayed once (one-way delay, RTT = 2 x delay). Non-IP traffic
 * (ARP) matches no filter and goes through HTB's direct queue unshaped.
 */
final class NetnsPlan {
  /**
   * Namespaces this bench creates: {@code swcb<pid>-br}, {@code swcb<pid>-d}, {@code
   * swcb<pid>-e<i>}.
   */
  static final Pattern OWN_NAMESPACE = Pattern.compile("swcb([0-9]{1,10})-(br|d|e[1-9][0-9]{0,3})");

  static final String SUBNET = "10.77.0.";
  static final int DRIVER_PORT = 7077;
  static final int MAX_EXECUTORS = 250;
  private static final int QUANTUM = 60_000;

  /** One emulated machine: its namespace, address and the bridge port that leads to it. */
  record Host(String namespace, String ip, String bridgePort) {}

  private final String prefix;
  private final List<Host> hosts = new ArrayList<>();
  private final long rateBits;

  /**
   * The driver's link rate: {@link #rateBits} unless a run asks for another ({@code bench
   * --driver-rate}).
   */
  private final long driverRateBits;

  private final long delayMicros;

  /**
   * How many executors, the last ones, are on links at {@link #slowRateBits} ({@code bench
   * --slow-executors}).
   */
  private final int slowExecutors;

  private final long slowRateBits;

  /**
   * @param prefix namespace prefix, e.g. {@link #prefixFor}
   * @param rateBits link rate in bit/s, each direction
   * @param delayMicros one-way delay to add with netem, 0 for none
   */
  NetnsPlan(String prefix, int executors, long rateBits, long delayMicros) {
    this(prefix, executors, rateBits, rateBits, delayMicros);
  }

  /**
   * As above, with the driver's link at {@code driverRateBits} and every executor's at {@code
   * rateBits}.
   */
  NetnsPlan(String prefix, int executors, long rateBits, long driverRateBits, long delayMicros) {
    this(prefix, executors, rateBits, driverRateBits, delayMicros, 0, 0);
  }

  /**
   * As above, with the last {@code slowExecutors} executors' links at {@code slowRateBits}: the
   * slow peers of a mixed fleet.
   */
  NetnsPlan(
      String prefix,
      int executors,
      long rateBits,
      long driverRateBits,
      long delayMicros,
      int slowExecutors,
      long slowRateBits) {
    if (slowExecutors < 0
        || slowExecutors >= executors
        || (slowExecutors > 0 && slowRateBits <= 0)) {
      throw new IllegalArgumentException(
          "slow executors must be 0 to executors - 1, with a positive rate: "
              + slowExecutors
              + " of "
              + executors
              + " at "
              + slowRateBits);
    }
    this.slowExecutors = slowExecutors;
    this.slowRateBits = slowRateBits;
    if (driverRateBits <= 0) {
      throw new IllegalArgumentException("driver rate must be positive: " + driverRateBits);
    }
    this.driverRateBits = driverRateBits;
    if (executors < 1 || executors > MAX_EXECUTORS) {
      throw new IllegalArgumentException(
          "executors must be 1.." + MAX_EXECUTORS + ": " + executors);
    }
    if (rateBits <= 0) {
      throw new IllegalArgumentException("rate must be positive: " + rateBits);
    }
    this.prefix = prefix;
    this.rateBits = rateBits;
    this.delayMicros = delayMicros;
    hosts.add(new Host(prefix + "d", SUBNET + 1, "v-d"));
    for (int i = 1; i <= executors; i++) {
      hosts.add(new Host(prefix + "e" + i, SUBNET + (1 + i), "v-e" + i));
    }
  }

  /** The prefix of this process's namespaces: {@code swcb<pid>-}. */
  static String prefixFor(long pid) {
    return "swcb" + pid + "-";
  }

  /** The bench process that created {@code namespace}, if the name follows our scheme exactly. */
  static OptionalLong ownerPid(String namespace) {
    Matcher m = OWN_NAMESPACE.matcher(namespace);
    return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
  }

  String bridgeNamespace() {
    return prefix + "br";
  }

  Host driver() {
    return hosts.get(0);
  }

  List<Host> executors() {
    return hosts.subList(1, hosts.size());
  }

  String driverEndpoint() {
    return driver().ip() + ":" + DRIVER_PORT;
  }

  /** All namespaces, bridge first. */
  List<String> namespaces() {
    List<String> all = new ArrayList<>();
    all.add(bridgeNamespace());
    hosts.forEach(h -> all.add(h.namespace()));
    return all;
  }

  /** The command prefix that runs a process in the driver's namespace. */
  List<String> driverExec() {
    return exec(driver(), List.of());
  }

  /** The command prefixes that run a process in each executor's namespace, in order. */
  List<List<String>> executorExecs() {
    return executors().stream().map(h -> exec(h, List.of())).toList();
  }

  /** Each executor host's address, in order. */
  List<String> executorIps() {
    return executors().stream().map(Host::ip).toList();
  }

  /** Wraps {@code cmd} to run inside {@code host}'s namespace. */
  static List<String> exec(Host host, List<String> cmd) {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
    all.addAll(cmd);
    return all;
  }

  /**
   * Fails where the kernel has no netem: run in a namespace of ours, undo with {@link
   * #netemProbeUndo}.
   */
  static List<String> netemProbe(String namespace) {
    return List.of(
        "tc", "-n", namespace, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms");
  }

  static List<String> netemProbeUndo(String namespace) {
    return List.of("tc", "-n", namespace, "qdisc", "del", "dev", "lo", "root");
  }

  /**
   * Creates the bridge namespace and bridge; the first step, also used as the netns support probe.
   */
  List<List<String>> bridgeCommands() {
    String br = bridgeNamespace();
    return List.of(
        List.of("ip", "netns", "add", br),
        List.of("ip", "-n", br, "link", "set", "lo", "up"),
        List.of("ip", "-n", br, "link", "add", "br0", "type", "bridge"),
        List.of("ip", "-n", br, "link", "set", "br0", "up"));
  }

  /** Everything after {@link #bridgeCommands}: hosts, links, addresses, shaping. */
  List<List<String>> hostCommands() {
    String br = bridgeNamespace();
    List<List<String>> cmds = new ArrayList<>();
    for (Host h : hosts) {
      String ns = h.namespace();
      cmds.add(List.of("ip", "netns", "add", ns));
      cmds.add(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
      cmds.add(
          List.of(
              "ip",
              "-n",
              br,
              "link",
              "add",
              h.bridgePort(),
              "type",
              "veth",
              "peer",
              "name",
              "eth0",
              "netns",
              ns));
      cmds.add(List.of("ip", "-n", br, "link", "set", h.bridgePort(), "master", "br0"));
      cmds.add(List.of("ip", "-n", br, "link", "set", h.bridgePort(), "up"));
      cmds.add(List.of("ip", "-n", ns, "addr", "add", h.ip() + "/24", "dev", "eth0"));
      cmds.add(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
    }
    for (Host h : hosts) {
      cmds.addAll(shape(h.namespace(), "eth0", "dst", h, delayMicros));
      cmds.addAll(shape(br, h.bridgePort(), "src", h, 0));
    }
    return cmds;
  }

  /** Bridge, hosts, links and shaping, in order. */
  List<List<String>> setupCommands() {
    List<List<String>> all = new ArrayList<>(bridgeCommands());
    all.addAll(hostCommands());
    return all;
  }

  /** Deleting a namespace deletes the veth ends and bridge in it; hosts first, bridge last. */
  List<List<String>> teardownCommands() {
    List<List<String>> cmds = new ArrayList<>();
    for (int i = hosts.size() - 1; i >= 0; i--) {
      cmds.add(List.of("ip", "netns", "del", hosts.get(i).namespace()));
    }
    cmds.add(List.of("ip", "netns", "del", bridgeNamespace()));
    return cmds;
  }

  /**
   * HTB on {@code dev} in {@code ns} with one fair class per peer of {@code self}, matched on
   * {@code field} (src|dst).
   */
  private List<List<String>> shape(
      String ns, String dev, String field, Host self, long leafDelayMicros) {
    List<Host> peers = hosts.stream().filter(p -> p != self).toList();
    int index = hosts.indexOf(self); // 0 the driver, i executor i
    long rate =
        index == 0
            ? driverRateBits
            : index > hosts.size() - 1 - slowExecutors ? slowRateBits : rateBits;
    String link = rate + "bit";
    String share = Math.max(8, rate / peers.size()) + "bit";
    String burst = Long.toString(burstBytes(rate));
    String q = Integer.toString(QUANTUM);
    List<List<String>> cmds = new ArrayList<>();
    cmds.add(List.of("tc", "-n", ns, "qdisc", "add", "dev", dev, "root", "handle", "1:", "htb"));
    cmds.add(
        List.of(
            "tc", "-n", ns, "class", "add", "dev", dev, "parent", "1:", "classid", "1:1", "htb",
            "rate", link, "ceil", link, "burst", burst, "cburst", burst, "quantum", q));
    for (int i = 0; i < peers.size(); i++) {
      Host peer = peers.get(i);
      String minor = Integer.toHexString(0x10 + hosts.indexOf(peer));
      String classId = "1:" + minor;
      cmds.add(
          List.of(
              "tc", "-n", ns, "class", "add", "dev", dev, "parent", "1:1", "classid", classId,
              "htb", "rate", share, "ceil", link, "burst", burst, "cburst", burst, "quantum", q));
      List<String> leaf =
          new ArrayList<>(
              List.of(
                  "tc",
                  "-n",
                  ns,
                  "qdisc",
                  "add",
                  "dev",
                  dev,
                  "parent",
                  classId,
                  "handle",
                  minor + ":"));
      if (leafDelayMicros > 0) {
        leaf.addAll(List.of("netem", "delay", leafDelayMicros + "us", "limit", "1000"));
      } else {
        leaf.addAll(List.of("bfifo", "limit", Long.toString(fifoBytes(rate))));
      }
      cmds.add(leaf);
      cmds.add(
          List.of(
              "tc",
              "-n",
              ns,
              "filter",
              "add",
              "dev",
              dev,
              "parent",
              "1:",
              "protocol",
              "ip",
              "prio",
              "1",
              "u32",
              "match",
              "ip",
              field,
              peer.ip() + "/32",
              "flowid",
              classId));
    }
    return cmds;
  }

  /**
   * HTB bucket: ten full frames or 1 ms at the link rate, whichever is larger (keeps fast links
   * accurate).
   */
  long burstBytes() {
    return burstBytes(rateBits);
  }

  private static long burstBytes(long rateBits) {
    return Math.max(15_140, rateBits / 8 / 1000);
  }

  /** Leaf FIFO: 256 KiB or 20 ms at the link rate, whichever is larger. */
  long fifoBytes() {
    return fifoBytes(rateBits);
  }

  private static long fifoBytes(long rateBits) {
    return Math.max(256 * 1024, rateBits / 8 / 50);
  }

  /** A command as one shell-like line, for messages and tests. */
  static String render(List<String> cmd) {
    return String.join(" ", cmd);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d hosts under %s*", hosts.size(), prefix);
  }
}
