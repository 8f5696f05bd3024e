package io.swarmcast.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link NetnsPlan}: builds the namespaces, links and shaping, and removes them again. Only
 * ever touches namespaces whose names follow {@link NetnsPlan#OWN_NAMESPACE}. {@link #close()} is
 * idempotent and safe to call from a shutdown hook.
 */
final class NetnsCluster implements AutoCloseable {
  /**
   * This machine cannot run the emulated cluster (not root, no {@code ip netns}, no netem for
   * --delay).
   */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message);
    }
  }

  /** A command's exit code and combined output. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final NetnsPlan plan;
  private final PrintStream err;
  private boolean closed;

  private NetnsCluster(NetnsPlan plan, PrintStream err) {
    this.plan = plan;
    this.err = err;
  }

  /**
   * Before a sweep on the emulated network: {@link #preflight}, then {@link #removeLeftovers}.
   * False, with the reason on {@code err}, if this machine cannot run the emulated cluster.
   */
  static boolean prepare(String prefix, boolean needNetem, PrintStream err) {
    try {
      preflight(prefix, needNetem);
    } catch (Unsupported e) {
      err.println("swarmcast bench: " + e.getMessage());
      return false;
    }
    removeLeftovers(err);
    return true;
  }

  /**
   * Checks root, {@code ip}/{@code tc}, that namespaces can be made, and netem if a delay is
   * wanted.
   */
  static void preflight(String prefix, boolean needNetem) throws Unsupported {
    if (!isRoot()) {
      throw new Unsupported(
          "the emulated cluster needs root (network namespaces, veth, tc); "
              + "run as root, or use --loopback to measure on 127.0.0.1 without shaping");
    }
    for (String tool : List.of("ip", "tc")) {
      if (!onPath(tool)) {
        throw new Unsupported(
            "'" + tool + "' not found on PATH; install iproute2, or use --loopback");
      }
    }
    NetnsPlan probe = new NetnsPlan(prefix, 1, 1_000_000, 0);
    String ns = probe.bridgeNamespace();
    Result made = run(List.of("ip", "netns", "add", ns));
    if (!made.ok()) {
      throw new Unsupported(
          "cannot create a network namespace ('ip netns add "
              + ns
              + "' said: "
              + made.output().strip()
              + "); the emulated cluster needs ip netns support, or use --loopback");
    }
    try {
      if (needNetem) {
        Result netem = run(NetnsPlan.netemProbe(ns));
        if (!netem.ok()) {
          throw new Unsupported(
              "--delay needs tc's netem qdisc, which this kernel does not have (tc said: "
                  + netem.output().strip()
                  + "); run without --delay (latency is then that of veth, a few microseconds)");
        }
        run(NetnsPlan.netemProbeUndo(ns));
      }
    } finally {
      run(List.of("ip", "netns", "del", ns));
    }
  }

  /**
   * Removes namespaces left by a bench that died without cleaning up: names that follow our scheme
   * exactly and whose creating process is gone (or is this very process, from a reused pid).
   */
  static void removeLeftovers(PrintStream err) {
    long self = ProcessHandle.current().pid();
    for (String ns : listNamespaces()) {
      OptionalLong owner = NetnsPlan.ownerPid(ns);
      if (owner.isEmpty()) {
        continue;
      }
      long pid = owner.getAsLong();
      if (pid != self && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue; // another bench that is still running
      }
      String pids = run(List.of("ip", "netns", "pids", ns)).output().strip().replace('\n', ' ');
      Result r = run(List.of("ip", "netns", "del", ns));
      err.printf(
          "bench: removed leftover namespace %s from an earlier run%s%s%n",
          ns,
          pids.isEmpty() ? "" : " (processes still inside it, not touched: " + pids + ")",
          r.ok() ? "" : " — failed: " + r.output().strip());
    }
  }

  /** Builds the whole cluster; on failure removes what it made and throws. */
  static NetnsCluster create(NetnsPlan plan, PrintStream err) throws IOException {
    NetnsCluster cluster = new NetnsCluster(plan, err);
    try {
      for (List<String> cmd : plan.setupCommands()) {
        Result r = run(cmd);
        if (!r.ok()) {
          throw new IOException(
              "'"
                  + NetnsPlan.render(cmd)
                  + "' failed ("
                  + r.exitCode()
                  + "): "
                  + r.output().strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  NetnsPlan plan() {
    return plan;
  }

  /** Deletes this cluster's namespaces that exist (and with them its veths and bridge). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<String> present = listNamespaces();
    for (List<String> cmd : plan.teardownCommands()) {
      String ns = cmd.get(cmd.size() - 1);
      if (!present.contains(ns)) {
        continue;
      }
      Result r = run(cmd);
      if (!r.ok()) {
        err.printf("bench: could not remove namespace %s: %s%n", ns, r.output().strip());
      }
    }
  }

  /** Names from {@code ip netns list} (which prints e.g. {@code name (id: 3)}). */
  static List<String> listNamespaces() {
    List<String> names = new ArrayList<>();
    for (String line : run(List.of("ip", "netns", "list")).output().split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * Runs a short command, returning its exit code and output; never throws (exit 127 if it cannot
   * start).
   */
  static Result run(List<String> cmd) {
    Path output = null;
    try {
      // Output goes to a file, read after the wait: reading a pipe first would block past the
      // timeout if the command hung with its output open.
      output = Files.createTempFile("swarmcast-cmd", ".out");
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(124, "timed out: " + NetnsPlan.render(cmd));
      }
      return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(127, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, "interrupted");
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return "0".equals(line.substring(4).trim().split("\\s+")[1]); // the effective uid
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or no /proc: fall through
    }
    return false;
  }

  private static boolean onPath(String tool) {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
