package io.swarmcast.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One executor's result of one read, as it appends it to a file of its own ({@code swarmcast
 * executor --results-file}), so the demo can report the round when the driver that asked for it is
 * gone ({@code demo --kill-driver-after-seeded}). One line per read:
 *
 * <pre>
 * &lt;broadcastId&gt; &lt;executorId&gt; &lt;cpuNanos&gt; &lt;doneAtMillis&gt; &lt;base64 of ReadTask.Result#encode&gt;\n
 * </pre>
 *
 * The result is the same bytes the driver would have received, so the file holds nothing the task
 * protocol does not. A reader takes only lines that end in a newline: one being written is skipped.
 * Immutable.
 *
 * @param cpuNanos CPU this executor's process used during the read, -1 if unknown
 * @param doneAtMillis wall-clock time ({@link System#currentTimeMillis()}) when the read and its
 *     check ended
 */
record ExecutorReport(
    long broadcastId, int executorId, long cpuNanos, long doneAtMillis, ReadTask.Result result) {

  String line() {
    return broadcastId
        + " "
        + executorId
        + " "
        + cpuNanos
        + " "
        + doneAtMillis
        + " "
        + Base64.getEncoder().encodeToString(result.encode())
        + "\n";
  }

  static ExecutorReport parse(String line) throws IOException {
    String[] f = line.strip().split(" ");
    if (f.length != 5) {
      throw new IOException("not an executor report: '" + line.strip() + "'");
    }
    try {
      return new ExecutorReport(
          Long.parseLong(f[0]),
          Integer.parseInt(f[1]),
          Long.parseLong(f[2]),
          Long.parseLong(f[3]),
          ReadTask.Result.decode(Base64.getDecoder().decode(f[4])));
    } catch (IllegalArgumentException e) { // a malformed number or base64
      throw new IOException("not an executor report: '" + line.strip() + "': " + e.getMessage(), e);
    }
  }

  /** Appends this report to {@code file} in one write, creating the file if need be. */
  void appendTo(Path file) throws IOException {
    Files.writeString(
        file, line(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** The complete reports in {@code file}, oldest first; none if it does not exist yet. */
  static List<ExecutorReport> readAll(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException notYet) {
      return List.of();
    }
    List<ExecutorReport> reports = new ArrayList<>();
    int end = text.lastIndexOf('\n'); // what follows is a line still being written
    for (String line : text.substring(0, end + 1).split("\n")) {
      if (!line.isBlank()) {
        reports.add(parse(line));
      }
    }
    return reports;
  }
}
