package io.swarmcast.cli;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stops processes this JVM started, by their handles (never by name): politely, then forcibly.
 * Public because the CLI's local executors (demo, tests) stop theirs the same way. Stateless,
 * thread-safe.
 */
public final class Processes {
  private Processes() {}

  /** Sends SIGTERM to each live process, waits up to 5 s each, then kills what is left. */
  public static void stop(List<Process> processes) {
    processes.stream().filter(Process::isAlive).forEach(Process::destroy);
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
