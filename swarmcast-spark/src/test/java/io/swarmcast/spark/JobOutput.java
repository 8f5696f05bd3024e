package io.swarmcast.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link BroadcastDigestJob} wrote: one {@link Task} per task, the expected digest, the
 * driver's bytes sent; in mode churn also the executor replaced and the tasks that read again
 * after.
 */
record JobOutput(
    List<Task> tasks, String expected, long driverServed, String killed, List<Task> after) {
  /**
   * One task's report: where it ran, what it read, and its executor's bytes received for the
   * broadcast.
   */
  record Task(String executor, String digest, int identity, long fromDriver, long fromPeers) {}

  static JobOutput read(Path file) throws IOException {
    List<Task> tasks = new ArrayList<>();
    List<Task> after = new ArrayList<>();
    String killed = null;
    String expected = null;
    long driverServed = -1;
    for (String line : Files.readAllLines(file)) {
      String[] f = line.split(" ");
      switch (f[0]) {
        case "task" -> tasks.add(task(f));
        case "after" -> after.add(task(f));
        case "killed" -> killed = f[1];
        case "expected" -> expected = f[1];
        case "driverServed" -> driverServed = Long.parseLong(f[1]);
        case "file", "fileSource" -> {} // SwarmcastSpark.addFile's part: read by the test itself
        default -> throw new IllegalStateException("unexpected line in " + file + ": " + line);
      }
    }
    return new JobOutput(List.copyOf(tasks), expected, driverServed, killed, List.copyOf(after));
  }

  private static Task task(String[] f) {
    return new Task(f[1], f[2], Integer.parseInt(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]));
  }
}
