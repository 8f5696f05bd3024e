package io.swarmcast.bench.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * CPU time of a process from {@code /proc/<pid>/stat}: {@code utime + stime} (fields 14 and 15, in
 * clock ticks), which count every thread of the process, those that already exited included. The
 * second field, the command name, is in parentheses and may itself hold spaces and parentheses, so
 * the fields are counted from the <em>last</em> {@code ')'}. Processes in other network namespaces
 * share this PID namespace, so their {@code /proc/<pid>} is readable here. Stateless, thread-safe.
 */
final class ProcStat {
  /**
   * Ticks per second when {@code getconf CLK_TCK} cannot be asked: Linux's USER_HZ everywhere we
   * know.
   */
  static final long DEFAULT_TICKS = 100;

  private ProcStat() {}

  /**
   * {@code utime + stime} in clock ticks from the text of one {@code /proc/<pid>/stat}.
   *
   * @throws IllegalArgumentException if the text does not have that layout, quoting it
   */
  static long cpuTicks(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("no ')' after the command name in: " + stat.strip());
    }
    // After ") " come field 3 (state), 4 (ppid), ...: utime (14) is the 12th, stime (15) the 13th.
    String[] fields = stat.substring(close + 1).strip().split("\\s+");
    if (fields.length < 13) {
      throw new IllegalArgumentException("fewer than 15 fields in: " + stat.strip());
    }
    try {
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("utime or stime is not a number in: " + stat.strip(), e);
    }
  }

  /** CPU ticks of process {@code pid} so far; empty if it is gone (or there is no /proc). */
  static OptionalLong cpuTicks(long pid) {
    try {
      return OptionalLong.of(
          cpuTicks(
              Files.readString(
                  Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII)));
    } catch (IOException | IllegalArgumentException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Clock ticks per second ({@code getconf CLK_TCK}), or {@link #DEFAULT_TICKS} if that cannot be
   * run.
   */
  static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
        long ticks = Long.parseLong(out);
        if (ticks > 0) {
          return ticks;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no getconf: fall back
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return DEFAULT_TICKS;
  }

  /**
   * A process's peak resident memory, {@code VmHWM} of {@code /proc/<pid>/status}, in bytes; empty
   * if it cannot be read (the process is gone, or no /proc).
   */
  static OptionalLong peakRssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return OptionalLong.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or no /proc
    }
    return OptionalLong.empty();
  }
}
