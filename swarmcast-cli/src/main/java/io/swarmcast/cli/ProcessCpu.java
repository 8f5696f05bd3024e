package io.swarmcast.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * This process's CPU time so far: user + system over all its threads, those that already exited
 * included — the same total as {@code utime + stime} in {@code /proc/self/stat} (HotSpot on Linux
 * counts it the same way, so it moves in clock ticks: 10 ms per process, too coarse for broadcasts
 * that take a few milliseconds). Each driver and executor reports its own, sampled at the start and
 * end of every broadcast round. Stateless, thread-safe.
 */
final class ProcessCpu {
  private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

  private ProcessCpu() {}

  /** CPU nanoseconds this process has used, or -1 if the JVM cannot tell. */
  static long nanos() {
    return OS instanceof com.sun.management.OperatingSystemMXBean sun // fqn-ok
        ? sun.getProcessCpuTime()
        : -1;
  }
}
