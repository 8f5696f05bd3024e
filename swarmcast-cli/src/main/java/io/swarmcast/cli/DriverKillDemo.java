package io.swarmcast.cli;

import io.swarmcast.node.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code swarmcast demo --kill-driver-after-seeded}: the driver runs in a child process ({@code
 * swarmcast driver --report-seeded}), N executor processes join it, and as soon as the round's
 * broadcast is seeded — every piece on some executor, every executor's fetch under way ({@link
 * SeededReport}) — the driver is SIGKILLed ({@link Process#destroyForcibly()}). The executors
 * finish with each other (peer exchange) and each appends its result to a file of its own ({@link
 * ExecutorReport}); this process builds the usual table and JSON from those files alone, marked
 * {@code driverKilled}, so the report does not depend on the killed process. The driver's own
 * figures died with it: its bytes sent are what the executors received from it, its CPU is unknown
 * (null) and its heap peak 0; {@code seconds} is the longest executor read. One round ({@code
 * --reps 1}). Not thread-safe.
 */
final class DriverKillDemo {
  /** How long the driver may take to listen, and the executors to join it. */
  private static final long START_SECONDS = 120;

  /**
   * How long the broadcast may take to be seeded once the executors started, and they to report
   * once the driver died.
   */
  private static final long ROUND_SECONDS = 300;

  /** Put in the queue of the driver's lines when its stdout ends. */
  private static final String END = new String("end of the driver's output");

  private final int executors;
  private final RoundOptions round;
  private final List<String> jvmArgs;

  /** The security options (SecurityOptions.args) every child, the driver too, is started with. */
  private final List<String> securityArgs;

  private final PrintStream log;

  /**
   * A demo of {@code executors} executor JVMs; {@code jvmArgs} go to every child JVM, the driver's
   * too.
   */
  DriverKillDemo(
      int executors,
      RoundOptions round,
      List<String> securityArgs,
      List<String> jvmArgs,
      PrintStream log) {
    this.executors = executors;
    this.round = round;
    this.securityArgs = List.copyOf(securityArgs);
    this.jvmArgs = List.copyOf(jvmArgs);
    this.log = log;
  }

  /** Why the demo cannot run with these options, or null: one round of a torrent broadcast. */
  static String problem(RoundOptions round, int kill, int corrupt) {
    if (kill != 0 || corrupt != 0) {
      return "--kill-driver-after-seeded cannot be combined with --kill-executors or --corrupt-executors";
    }
    if (round.reps != 1) {
      return "--kill-driver-after-seeded runs one broadcast: --reps must be 1, not " + round.reps;
    }
    if (round.factory != RoundOptions.Factory.torrent) {
      return "--kill-driver-after-seeded needs --factory torrent: with "
          + round.factory
          + ", executors fetch from the driver alone";
    }
    return null;
  }

  /** Runs the demo and prints its round; 0 if every executor verified. */
  int run() throws Exception {
    Path dir = Files.createTempDirectory("swarmcast-demo-");
    Path driverLog = dir.resolve("driver.log");
    Process driver = startDriver(driverLog);
    Thread hook = new Thread(driver::destroyForcibly, "swarmcast-stop-driver");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      BlockingQueue<String> lines = linesOf(driver);
      Endpoint at =
          Endpoint.parse(
              await(lines, "listening", START_SECONDS, driver, driverLog, () -> null)
                  .text("listening"));
      List<String> passOn = new ArrayList<>(securityArgs);
      if (!round.extra.isEmpty()) {
        passOn.addAll(List.of("--conf", String.join(",", round.extra)));
      }
      try (LocalExecutors local =
          LocalExecutors.start(
              executors,
              at,
              jvmArgs,
              i -> concat(passOn, "--results-file", resultsFile(dir, i).toString()))) {
        log.printf(
            "driver process %d on %s (its log and the executors' results in %s); %d executor processes (logs in %s)%n",
            driver.pid(), at, dir, executors, local.logDir());
        long id =
            await(
                    lines,
                    "seeded",
                    START_SECONDS + ROUND_SECONDS,
                    driver,
                    driverLog,
                    local::firstFailure)
                .whole("seeded");
        driver.destroyForcibly();
        long killedAt = System.currentTimeMillis();
        log.printf(
            "Broadcast(%d) is seeded: killed the driver (pid %d) with SIGKILL%n", id, driver.pid());
        driver.waitFor(10, TimeUnit.SECONDS);
        RoundResult r = result(awaitReports(local, dir, id), killedAt);
        if (round.json) {
          System.out.println(r.toJson());
          System.out.flush();
        }
        BroadcastRounds.printTable(round.human(), r);
        return r.allVerified() ? 0 : 1;
      }
    } finally {
      driver.destroyForcibly();
      driver.waitFor(10, TimeUnit.SECONDS);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running
      }
    }
  }

  private Process startDriver(Path driverLog) throws IOException {
    List<String> cmd =
        new ArrayList<>(JavaOpts.childCommand(jvmArgs, SwarmcastCli.class.getName()));
    cmd.addAll(
        List.of(
            "driver",
            "--bind",
            "127.0.0.1:0",
            "--executors",
            Integer.toString(executors),
            "--wait",
            Long.toString(START_SECONDS),
            "--json",
            "--report-seeded"));
    cmd.addAll(round.args());
    cmd.addAll(securityArgs);
    return new ProcessBuilder(cmd).redirectError(driverLog.toFile()).start();
  }

  /** The driver's stdout, line by line, then {@link #END}; read by a daemon thread. */
  private static BlockingQueue<String> linesOf(Process driver) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException closed) {
                // the driver was killed
              } finally {
                lines.add(END);
              }
            },
            "swarmcast-driver-output");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /**
   * The driver's next line that reports {@code what} ({@link #reporting}); fails if the driver's
   * output ends first, {@code failure} names a failed executor, or {@code seconds} pass.
   */
  private static JsonLine await(
      BlockingQueue<String> lines,
      String what,
      long seconds,
      Process driver,
      Path driverLog,
      Supplier<String> failure)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String line = lines.poll(50, TimeUnit.MILLISECONDS);
      if (line == END) {
        driver.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "the driver process ended before it reported '"
                + what
                + "' (exit status "
                + (driver.isAlive() ? "unknown" : driver.exitValue())
                + "); its log "
                + driverLog
                + " ends:\n"
                + tail(driverLog));
      }
      JsonLine report = line == null ? null : reporting(line, what);
      if (report != null) {
        return report;
      }
      String failed = failure.get();
      if (failed != null) {
        throw new IllegalStateException(failed);
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the driver did not report '" + what + "' within " + seconds + " s; log: " + driverLog);
      }
    }
  }

  /**
   * {@code line} if it is a JSON object with the field {@code what} ({@code listening}, {@code
   * seeded}), else null: the driver's stdout also carries its rounds' JSON.
   */
  static JsonLine reporting(String line, String what) {
    return JsonLine.parseIfObject(line).filter(json -> json.has(what)).orElse(null);
  }

  /**
   * Each executor process's report on broadcast {@code id}, by process number (from 1); missing if
   * it gave none.
   */
  private Map<Integer, ExecutorReport> awaitReports(LocalExecutors local, Path dir, long id)
      throws Exception {
    Map<Integer, ExecutorReport> reports = new TreeMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ROUND_SECONDS);
    while (true) {
      boolean waiting = false;
      for (int i = 1; i <= executors; i++) {
        if (!reports.containsKey(i)) {
          ExecutorReport r =
              ExecutorReport.readAll(resultsFile(dir, i)).stream()
                  .filter(e -> e.broadcastId() == id)
                  .findFirst()
                  .orElse(null);
          if (r != null) {
            reports.put(i, r);
          } else if (local.processes().get(i - 1).isAlive()) {
            waiting = true; // a dead one will not report
          }
        }
      }
      if (!waiting || System.nanoTime() > deadline) {
        return reports;
      }
      Thread.sleep(50);
    }
  }

  /** The round as the reports tell it; executors that did not report fail it. */
  private RoundResult result(Map<Integer, ExecutorReport> reports, long killedAt) {
    List<RoundResult.ExecutorResult> per = new ArrayList<>();
    long fromDriver = 0;
    long fromPeers = 0;
    double seconds = 0;
    int doneAfterKill = 0;
    for (int i = 1; i <= executors; i++) {
      ExecutorReport report = reports.get(i);
      if (report == null) {
        per.add(
            new RoundResult.ExecutorResult(
                0,
                Double.NaN,
                0,
                0,
                false,
                0,
                Double.NaN,
                0,
                "executor process "
                    + i
                    + " reported no result (it exited, or took longer than "
                    + ROUND_SECONDS
                    + " s)",
                RoundResult.Fault.NONE));
        continue;
      }
      ReadTask.Result r = report.result();
      per.add(
          new RoundResult.ExecutorResult(
              report.executorId(),
              r.readNanos() / 1e9,
              r.fromDriverBytes(),
              r.fromPeersBytes(),
              r.verified(),
              r.peakHeapBytes(),
              report.cpuNanos() < 0 ? Double.NaN : report.cpuNanos() / 1e9,
              r.corruptPieces(),
              r.error(),
              RoundResult.Fault.NONE));
      fromDriver += r.fromDriverBytes();
      fromPeers += r.fromPeersBytes();
      seconds = Math.max(seconds, r.readNanos() / 1e9);
      if (report.doneAtMillis() > killedAt) {
        doneAfterKill++;
      }
    }
    per.sort(Comparator.comparingInt(RoundResult.ExecutorResult::id));
    return new RoundResult(
        round.factory.name(),
        1,
        executors,
        round.size,
        seconds,
        fromDriver,
        fromPeers,
        0,
        Double.NaN,
        per,
        new RoundResult.DriverKill(doneAfterKill));
  }

  private static Path resultsFile(Path dir, int i) {
    return dir.resolve("executor-" + i + ".results");
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static List<String> concat(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }
}
