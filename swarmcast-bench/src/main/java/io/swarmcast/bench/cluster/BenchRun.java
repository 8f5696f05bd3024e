package io.swarmcast.bench.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One bench run: a {@code swarmcast driver --json} process and N {@code swarmcast executor} processes,
 * each wrapped by its host's launcher (e.g. {@code ip netns exec NS}, or nothing on loopback). Starts
 * the executors once the driver listens, enforces a timeout, parses the driver's JSON lines, and stops
 * exactly the processes it started, by PID. {@link #close()} is idempotent and safe from a shutdown hook.
 */
final class BenchRun implements AutoCloseable {
  /** Where each process runs and what address it uses. */
  record Launch(List<String> driverWrap, String driverEndpoint, List<List<String>> executorWraps,
      List<String> executorBinds) {}

  /** What a run produced: the parsed rows (possibly fewer than asked for) and a failure, or null. */
  record Outcome(List<BenchRow> rows, String failure) {}

  private final List<String> javaCommand;
  private final Path logDir;
  private final PrintStream err;
  private final List<Process> processes = new ArrayList<>();

  /**
   * @param javaCommand java, its options, {@code -cp CLASSPATH MAIN}: the subcommand follows
   * @param logDir where driver.jsonl, driver.log and executor-i.log go
   */
  BenchRun(List<String> javaCommand, Path logDir, PrintStream err) {
    this.javaCommand = List.copyOf(javaCommand);
    this.logDir = logDir;
    this.err = err;
  }

  /**
   * Runs the driver with {@code driverArgs} (after {@code driver --bind ... --executors N}) and the
   * executors with {@code executorArgs}, waits at most {@code timeoutSeconds} for the driver to finish.
   */
  Outcome execute(Launch launch, List<String> driverArgs, List<String> executorArgs, long rateBits,
      long timeoutSeconds) throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path jsonl = logDir.resolve("driver.jsonl");
    JsonLinesTail<BenchRow> driverRows = new JsonLinesTail<>(jsonl, line -> BenchRow.fromDriverJson(line, rateBits));
    Path driverLog = logDir.resolve("driver.log");
    int n = launch.executorBinds().size();
    List<String> cmd = new ArrayList<>(launch.driverWrap());
    cmd.addAll(javaCommand);
    cmd.addAll(List.of("driver", "--bind", launch.driverEndpoint(), "--executors", Integer.toString(n), "--json"));
    cmd.addAll(driverArgs);
    Process driver = start(cmd, jsonl, driverLog, false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);

    // The executors join once: start them only when the driver is listening.
    long listenSeconds = Math.min(60, timeoutSeconds);
    long listenDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(listenSeconds);
    while (!contains(driverLog, "driver listening on")) {
      if (!driver.isAlive()) {
        return fail(driverRows, "driver exited with " + driver.exitValue() + " before listening:\n" + tail(driverLog));
      }
      if (System.nanoTime() > listenDeadline) {
        return fail(driverRows, "driver did not listen within " + listenSeconds + " s:\n" + tail(driverLog));
      }
      Thread.sleep(50);
    }
    for (int i = 0; i < n; i++) {
      List<String> ec = new ArrayList<>(launch.executorWraps().get(i));
      ec.addAll(javaCommand);
      ec.addAll(List.of("executor", "--driver", launch.driverEndpoint(), "--bind", launch.executorBinds().get(i)));
      ec.addAll(executorArgs);
      Path log = logDir.resolve("executor-" + (i + 1) + ".log");
      start(ec, log, log, true);
    }

    int reported = 0;
    long executorGoneSince = 0;
    while (driver.isAlive()) {
      reported = reportNew(driverRows, reported);
      for (int i = 1; i < processes.size(); i++) {
        Process p = processes.get(i);
        if (p.isAlive()) {
          continue;
        }
        // Executors leave when the driver closes; give a driver that is just exiting a few seconds.
        executorGoneSince = executorGoneSince == 0 ? System.nanoTime() : executorGoneSince;
        if (System.nanoTime() - executorGoneSince > TimeUnit.SECONDS.toNanos(10) && driver.isAlive()) {
          Path log = logDir.resolve("executor-" + i + ".log");
          return fail(driverRows, "executor " + i + " (pid " + p.pid() + ") exited with " + p.exitValue()
              + " while the driver ran:\n" + tail(log));
        }
      }
      if (System.nanoTime() > deadline) {
        return fail(driverRows, "timed out after " + timeoutSeconds + " s (raise --timeout); driver log:\n"
            + tail(driverLog));
      }
      driver.waitFor(200, TimeUnit.MILLISECONDS);
    }
    reportNew(driverRows, reported);
    List<BenchRow> rows = driverRows.poll();
    int code = driver.exitValue();
    String failure = null;
    if (code != 0) {
      failure = "driver exited with " + code + (rows.stream().allMatch(BenchRow::allVerified) ? "" : " (not every executor verified)")
          + ":\n" + tail(driverLog);
    }
    return new Outcome(rows, failure);
  }

  private Process start(List<String> cmd, Path out, Path errFile, boolean merge) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
    if (merge) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(errFile.toFile());
    }
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  private Outcome fail(JsonLinesTail<BenchRow> driverRows, String why) throws IOException {
    return new Outcome(driverRows.poll(), why);
  }

  /** Prints repetitions the driver finished since the last call; returns how many are printed now. */
  private int reportNew(JsonLinesTail<BenchRow> driverRows, int done) throws IOException {
    List<BenchRow> rows = driverRows.poll();
    for (BenchRow r : rows.subList(Math.min(done, rows.size()), rows.size())) {
      err.printf(Locale.ROOT, "      rep %d: %.3f s%s%s%n", r.rep(), r.seconds(),
          r.ratio() > 0 ? String.format(Locale.ROOT, " (%.2f x size÷bandwidth)", r.ratio()) : "",
          r.allVerified() ? "" : "  NOT VERIFIED");
    }
    return Math.max(done, rows.size());
  }

  private static boolean contains(Path file, String text) throws IOException {
    return Files.exists(file) && Files.readString(file).contains(text);
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return "  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()))
          + "\n  (full log: " + file + ")";
    } catch (IOException e) {
      return "  (no log " + file + ": " + e.getMessage() + ")";
    }
  }

  /** Lets the executors leave on their own (they stop when the driver goes), then stops what is left, by PID. */
  @Override
  public void close() {
    List<Process> all;
    synchronized (processes) {
      all = List.copyOf(processes);
    }
    try {
      long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (Process p : all) {
        long left = graceEnd - System.nanoTime();
        if (left > 0) {
          p.waitFor(left, TimeUnit.NANOSECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Processes.stop(all);
  }

  /** Stops every process at once, politely then forcibly: for timeouts and Ctrl-C. */
  void kill() {
    List<Process> all;
    synchronized (processes) {
      all = List.copyOf(processes);
    }
    Processes.stop(all);
  }

}
