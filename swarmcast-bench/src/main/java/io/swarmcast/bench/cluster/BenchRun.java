package io.swarmcast.bench.cluster;

import io.swarmcast.cli.Processes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One bench run: a {@code swarmcast driver --json} process and N {@code swarmcast executor}
 * processes, each wrapped by its host's launcher (e.g. {@code ip netns exec NS}, which replaces
 * itself with the command, or nothing on loopback). Starts the executors once the driver listens,
 * enforces a timeout, parses the driver's JSON lines, samples every process's CPU from {@code
 * /proc/<pid>/stat} while they run, and stops exactly the processes it started, by PID. {@link
 * #close()} is idempotent and safe from a shutdown hook.
 */
final class BenchRun implements AutoCloseable, BenchCleanup.Processes {
  /** Where each process runs and what address it uses. */
  record Launch(
      List<String> driverWrap,
      String driverEndpoint,
      List<List<String>> executorWraps,
      List<String> executorBinds) {}

  /**
   * What a run produced: the parsed rows (possibly fewer than asked for), the CPU each process used
   * over the whole run, and a failure, or null.
   */
  record Outcome(List<BenchRow> rows, List<ProcessCpu> processes, String failure) {}

  /**
   * One process's CPU over the run, JVM start-up and the time between broadcasts included: its last
   * {@code utime + stime} seen (sampled every 200 ms while the driver runs, and once after it
   * exits).
   *
   * @param process {@code driver} or {@code executor-<i>}
   * @param cpuSeconds NaN if never read (no /proc)
   * @param peakRssBytes its peak resident memory ({@code VmHWM}) as last read; -1 if never read
   */
  record ProcessCpu(String process, long pid, double cpuSeconds, long peakRssBytes) {}

  private final List<String> javaCommand;
  private final Path logDir;
  private final PrintStream err;
  private final List<Process> processes = new ArrayList<>();

  /** Per process in {@link #processes}, the most CPU ticks read so far; -1 before any. */
  private final List<Long> cpuTicks = new ArrayList<>();

  /** Per process in {@link #processes}, the peak resident memory read so far; -1 before any. */
  private final List<Long> peakRss = new ArrayList<>();

  private final long ticksPerSecond;

  /**
   * @param javaCommand java, its options, {@code -cp CLASSPATH MAIN}: the subcommand follows
   * @param logDir where driver.jsonl, driver.log and executor-i.log go
   * @param ticksPerSecond the unit of /proc's CPU times ({@link ProcStat#ticksPerSecond})
   */
  BenchRun(List<String> javaCommand, Path logDir, PrintStream err, long ticksPerSecond) {
    this.javaCommand = List.copyOf(javaCommand);
    this.logDir = logDir;
    this.err = err;
    this.ticksPerSecond = ticksPerSecond;
  }

  /**
   * Runs the driver with {@code driverArgs} (after {@code driver --bind ... --executors N}) and the
   * executors with {@code executorArgs}, waits at most {@code timeoutSeconds} for the driver to
   * finish.
   *
   * @param warmups the driver's {@code --warmup}, recorded in each row
   */
  Outcome execute(
      Launch launch,
      List<String> driverArgs,
      List<String> executorArgs,
      long rateBits,
      int warmups,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path jsonl = logDir.resolve("driver.jsonl");
    JsonLinesTail<BenchRow> driverRows =
        new JsonLinesTail<>(jsonl, line -> BenchRow.fromDriverJson(line, rateBits, warmups));
    Path driverLog = logDir.resolve("driver.log");
    int n = launch.executorBinds().size();
    List<String> cmd = new ArrayList<>(launch.driverWrap());
    cmd.addAll(javaCommand);
    cmd.addAll(
        List.of(
            "driver",
            "--bind",
            launch.driverEndpoint(),
            "--executors",
            Integer.toString(n),
            "--json"));
    cmd.addAll(driverArgs);
    Process driver = start(cmd, jsonl, driverLog, false);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);

    // The executors join once: start them only when the driver is listening.
    long listenSeconds = Math.min(60, timeoutSeconds);
    long listenDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(listenSeconds);
    while (!contains(driverLog, "driver listening on")) {
      if (!driver.isAlive()) {
        return fail(
            driverRows,
            "driver exited with " + driver.exitValue() + " before listening:\n" + tail(driverLog));
      }
      if (System.nanoTime() > listenDeadline) {
        return fail(
            driverRows,
            "driver did not listen within " + listenSeconds + " s:\n" + tail(driverLog));
      }
      Thread.sleep(50);
    }
    for (int i = 0; i < n; i++) {
      List<String> ec = new ArrayList<>(launch.executorWraps().get(i));
      ec.addAll(javaCommand);
      ec.addAll(
          List.of(
              "executor",
              "--driver",
              launch.driverEndpoint(),
              "--bind",
              launch.executorBinds().get(i)));
      ec.addAll(executorArgs);
      Path log = logDir.resolve("executor-" + (i + 1) + ".log");
      start(ec, log, log, true);
    }

    int reported = 0;
    long executorGoneSince = 0;
    while (driver.isAlive()) {
      sampleCpu();
      reported = reportNew(driverRows, reported);
      for (int i = 1; i < processes.size(); i++) {
        Process p = processes.get(i);
        if (p.isAlive()) {
          continue;
        }
        // An executor that exits while the driver runs has failed; give a driver that is just
        // exiting a few seconds.
        executorGoneSince = executorGoneSince == 0 ? System.nanoTime() : executorGoneSince;
        if (System.nanoTime() - executorGoneSince > TimeUnit.SECONDS.toNanos(10)
            && driver.isAlive()) {
          Path log = logDir.resolve("executor-" + i + ".log");
          return fail(
              driverRows,
              "executor "
                  + i
                  + " (pid "
                  + p.pid()
                  + ") exited with "
                  + p.exitValue()
                  + " while the driver ran:\n"
                  + tail(log));
        }
      }
      if (System.nanoTime() > deadline) {
        return fail(
            driverRows,
            "timed out after "
                + timeoutSeconds
                + " s (raise --timeout); driver log:\n"
                + tail(driverLog));
      }
      driver.waitFor(200, TimeUnit.MILLISECONDS);
    }
    sampleCpu(); // the executors, which outlive the driver by a moment
    reportNew(driverRows, reported);
    List<BenchRow> rows = driverRows.poll();
    int code = driver.exitValue();
    String failure = null;
    if (code != 0) {
      failure =
          "driver exited with "
              + code
              + (rows.stream().allMatch(BenchRow::allVerified)
                  ? ""
                  : " (not every executor verified)")
              + ":\n"
              + tail(driverLog);
    }
    return new Outcome(rows, processCpu(), failure);
  }

  private Process start(List<String> cmd, Path out, Path errFile, boolean merge)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile());
    if (merge) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(errFile.toFile());
    }
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
      cpuTicks.add(-1L);
      peakRss.add(-1L);
    }
    return p;
  }

  /**
   * Reads every live process's CPU ticks; a process keeps the last figure read before it exited.
   */
  private void sampleCpu() {
    List<Process> all;
    synchronized (processes) {
      all = List.copyOf(processes);
    }
    for (int i = 0; i < all.size(); i++) {
      OptionalLong ticks = ProcStat.cpuTicks(all.get(i).pid());
      if (ticks.isPresent() && ticks.getAsLong() > cpuTicks.get(i)) {
        cpuTicks.set(i, ticks.getAsLong());
      }
      OptionalLong rss = ProcStat.peakRssBytes(all.get(i).pid());
      if (rss.isPresent() && rss.getAsLong() > peakRss.get(i)) {
        peakRss.set(i, rss.getAsLong());
      }
    }
  }

  /** Each started process's CPU so far: the driver first, then the executors in order. */
  private List<ProcessCpu> processCpu() {
    List<ProcessCpu> out = new ArrayList<>();
    synchronized (processes) {
      for (int i = 0; i < processes.size(); i++) {
        long ticks = cpuTicks.get(i);
        out.add(
            new ProcessCpu(
                i == 0 ? "driver" : "executor-" + i,
                processes.get(i).pid(),
                ticks < 0 ? Double.NaN : ticks / (double) ticksPerSecond,
                peakRss.get(i)));
      }
    }
    return out;
  }

  private Outcome fail(JsonLinesTail<BenchRow> driverRows, String why) throws IOException {
    sampleCpu();
    return new Outcome(driverRows.poll(), processCpu(), why);
  }

  /**
   * Prints repetitions the driver finished since the last call; returns how many are printed now.
   */
  private int reportNew(JsonLinesTail<BenchRow> driverRows, int done) throws IOException {
    List<BenchRow> rows = driverRows.poll();
    for (BenchRow r : rows.subList(Math.min(done, rows.size()), rows.size())) {
      err.printf(
          Locale.ROOT,
          "      rep %d: %.3f s%s%s%n",
          r.rep(),
          r.seconds(),
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
      return "  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()))
          + "\n  (full log: "
          + file
          + ")";
    } catch (IOException e) {
      return "  (no log " + file + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Lets the driver finish on its own (it exits after its last round), then stops the executors, by
   * PID: they outlive their driver and would wait for the next one, as a fleet's do.
   */
  @Override
  public void close() {
    List<Process> all;
    synchronized (processes) {
      all = List.copyOf(processes);
    }
    try {
      if (!all.isEmpty()) {
        all.get(0).waitFor(10, TimeUnit.SECONDS); // the driver is started first
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Processes.stop(all);
  }

  /** Stops every process at once, politely then forcibly: for timeouts and Ctrl-C. */
  @Override
  public void kill() {
    List<Process> all;
    synchronized (processes) {
      all = List.copyOf(processes);
    }
    Processes.stop(all);
  }
}
