package io.swarmcast.bench.cluster;

import io.swarmcast.cli.JsonLine;
import io.swarmcast.cli.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@link TcpCeiling} as two JVMs started like the bench's driver and executors, and reads what
 * the receiver measured. Stops both processes by PID whatever happens. Not thread-safe.
 */
final class CeilingRun {
  /** What the receiver timed: one entry per repetition. */
  record Result(long bytes, List<Double> seconds) {
    Result {
      seconds = List.copyOf(seconds);
    }

    /** The median repetition's rate in MiB/s; NaN without repetitions. */
    double medianMiBps() {
      return bytes / (double) (1 << 20) / BenchSummary.median(seconds);
    }

    /** {@code ceiling.csv}: one line per repetition. */
    String csv() {
      StringBuilder sb = new StringBuilder("rep,bytes,seconds,MiBps\n");
      for (int i = 0; i < seconds.size(); i++) {
        sb.append(
            String.format(
                Locale.ROOT,
                "%d,%d,%.6f,%.1f%n",
                i + 1,
                bytes,
                seconds.get(i),
                bytes / (double) (1 << 20) / seconds.get(i)));
      }
      return sb.toString();
    }
  }

  private static final Pattern PORT = Pattern.compile("port (\\d+)");

  private CeilingRun() {}

  /**
   * Parses the receiver's output: its JSON lines ({@link TcpCeiling#line}), in order; other lines
   * are skipped (the JVM's own warnings share the file).
   *
   * @throws IllegalArgumentException if a repetition moved other than {@code bytes}, or a JSON line
   *     lacks a field
   */
  static List<Double> parse(List<String> lines, long bytes) {
    List<Double> seconds = new ArrayList<>();
    for (String line : lines) {
      JsonLine json = JsonLine.parseIfObject(line).orElse(null);
      if (json != null) {
        long got = json.whole("bytes");
        if (got != bytes) {
          throw new IllegalArgumentException(
              "the receiver got " + got + " bytes, not " + bytes + ": " + line);
        }
        seconds.add(json.number("seconds"));
      }
    }
    return seconds;
  }

  /**
   * Sends {@code bytes} over loopback {@code reps} times.
   *
   * @param javaCommand java, its options and {@code -cp CLASSPATH}: the main class follows
   * @throws IOException if either process fails or the receiver reports fewer repetitions, with its
   *     log
   */
  static Result measure(List<String> javaCommand, long bytes, int reps, Path logDir)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    Path receiverOut = logDir.resolve("ceiling-receiver.out");
    Path senderLog = logDir.resolve("ceiling-sender.log");
    List<Process> started = new ArrayList<>();
    try {
      List<String> rc = new ArrayList<>(javaCommand);
      rc.addAll(
          List.of(
              TcpCeiling.class.getName(), "receive", Long.toString(bytes), Integer.toString(reps)));
      Process receiver =
          new ProcessBuilder(rc)
              .redirectErrorStream(true)
              .redirectOutput(receiverOut.toFile())
              .start();
      started.add(receiver);
      int port = awaitPort(receiver, receiverOut);
      List<String> sc = new ArrayList<>(javaCommand);
      sc.addAll(
          List.of(
              TcpCeiling.class.getName(),
              "send",
              Integer.toString(port),
              Long.toString(bytes),
              Integer.toString(reps)));
      Process sender =
          new ProcessBuilder(sc)
              .redirectErrorStream(true)
              .redirectOutput(senderLog.toFile())
              .start();
      started.add(sender);
      long limit = 60 + reps * (10 + bytes / (20L << 20)); // generous: 20 MiB/s
      if (!receiver.waitFor(limit, TimeUnit.SECONDS) || receiver.exitValue() != 0) {
        throw new IOException(
            "the loopback ceiling's receiver did not finish within "
                + limit
                + " s or failed:\n"
                + BenchRun.tail(receiverOut)
                + "\n"
                + BenchRun.tail(senderLog));
      }
      List<Double> seconds = parse(Files.readAllLines(receiverOut), bytes);
      if (seconds.size() != reps) {
        throw new IOException(
            "the receiver reported "
                + seconds.size()
                + " of "
                + reps
                + " repetitions:\n"
                + BenchRun.tail(receiverOut));
      }
      return new Result(bytes, seconds);
    } finally {
      Processes.stop(started);
    }
  }

  private static int awaitPort(Process receiver, Path out)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out)) {
        Matcher m = PORT.matcher(Files.readString(out));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!receiver.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new IOException("the loopback ceiling's receiver did not listen:\n" + BenchRun.tail(out));
  }
}
