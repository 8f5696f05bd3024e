package io.swarmcast.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The simulator against the emulated cluster: reads the {@code results.csv} that {@code swarmcast
 * bench} wrote, simulates every torrent shape in it (executors, size, rate) and compares the
 * simulated time with the measured median of the later broadcasts (the model has no JIT and no
 * fresh memory, so it is a broadcast in steady state), and the driver's share of the bytes
 * delivered.
 */
public final class Validation {
  /** One shape: what the bench measured and what the simulator says. */
  public record Row(
      int executors,
      long sizeBytes,
      long rateBits,
      int reps,
      double measuredFirst,
      double measuredLater,
      double measuredDriverShare,
      double simulated,
      double simulatedDriverShare) {
    /** The simulated time over the measured later median, minus one. */
    public double timeError() {
      return simulated / measuredLater - 1;
    }

    /** The simulated driver share minus the measured one, in points of the bytes delivered. */
    public double splitError() {
      return simulatedDriverShare - measuredDriverShare;
    }
  }

  private Validation() {}

  /**
   * Compares every torrent shape of {@code benchCsv}, each simulated by {@code scenario} (from the
   * shape's defaults).
   */
  public static List<Row> compare(Path benchCsv, Function<Scenario, Scenario> scenario)
      throws IOException {
    List<String> lines = Files.readAllLines(benchCsv);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(benchCsv + " is empty");
    }
    List<String> header = Arrays.asList(lines.get(0).split(","));
    int factory = column(header, "factory", benchCsv);
    int executors = column(header, "executors", benchCsv);
    int size = column(header, "sizeBytes", benchCsv);
    int rate = column(header, "rateMbit", benchCsv);
    int clusterBroadcast = column(header, "clusterBroadcast", benchCsv);
    int ratio = column(header, "ratio", benchCsv);
    int driverBytes = column(header, "driverBytesSent", benchCsv);
    int peerBytes = column(header, "peerBytesSent", benchCsv);
    Map<String, List<String[]>> shapes = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length == header.size() && f[factory].equals("torrent")) {
        String key =
            String.format(
                Locale.ROOT, "%06d %s %s", Integer.parseInt(f[executors]), f[size], f[rate]);
        shapes.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (List<String[]> reps : shapes.values()) {
      String[] any = reps.get(0);
      int n = Integer.parseInt(any[executors]);
      long bytes = Long.parseLong(any[size]);
      long bits = Math.round(Double.parseDouble(any[rate]) * 1e6);
      double first = Double.NaN;
      List<Double> later = new ArrayList<>();
      List<Double> shares = new ArrayList<>();
      for (String[] r : reps) {
        double x = Double.parseDouble(r[ratio]);
        if (Integer.parseInt(r[clusterBroadcast]) == 1) {
          first = x;
        } else {
          later.add(x);
          double d = Double.parseDouble(r[driverBytes]);
          shares.add(d / (d + Double.parseDouble(r[peerBytes])));
        }
      }
      if (later.isEmpty()) {
        continue; // no later broadcast to compare a steady state with
      }
      SimResult sim = new Simulation(scenario.apply(Scenario.of(n, bytes, bits))).run();
      rows.add(
          new Row(
              n,
              bytes,
              bits,
              reps.size(),
              first,
              median(later),
              median(shares),
              sim.lastRatio(),
              sim.driverShare()));
    }
    return rows;
  }

  /** The comparison as a Markdown table. */
  public static String table(List<Row> rows) {
    StringBuilder b =
        new StringBuilder(
            "| executors | rate | measured first | measured later (median) | simulated | error "
                + "| driver share measured | simulated | difference |\n|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (Row r : rows) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %.3f | %.3f | %.3f | %+.1f %% | %.1f %% | %.1f %% | %+.1f pts |%n",
              r.executors(),
              SimReport.rate(r.rateBits()),
              r.measuredFirst(),
              r.measuredLater(),
              r.simulated(),
              100 * r.timeError(),
              100 * r.measuredDriverShare(),
              100 * r.simulatedDriverShare(),
              100 * r.splitError()));
    }
    return b.toString();
  }

  private static int column(List<String> header, String name, Path csv) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          csv + " has no column '" + name + "': is it a swarmcast bench results.csv?");
    }
    return i;
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
