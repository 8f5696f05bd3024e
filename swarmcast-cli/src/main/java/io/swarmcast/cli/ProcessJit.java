package io.swarmcast.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * The JIT policy of the command line's own processes ({@code -Dswarmcast.jit=c1-except-digests},
 * which the {@code ./swarmcast} wrapper sets): C1 for everything but the JDK's message digests and
 * checksums, which keep C2. A node's hot loops are copies and socket I/O, which C1 compiles well
 * and C2 spends more CPU compiling than it saves; but the JDK's SHA-256 runs at about 150 MB/s
 * under C1 and 1.6 GB/s under C2 (its intrinsic needs C2), and file broadcasts check a SHA-256 of
 * every byte. Added through a compiler directive at start, as {@code jcmd PID
 * Compiler.directives_add} would; a JVM without the MBean keeps its defaults.
 */
final class ProcessJit {
  /** First match wins: digests may use C2; everything else may not. */
  static final String C1_EXCEPT_DIGESTS =
      "[{ match: [\"sun/security/provider/*.*\", \"java/util/zip/*.*\"], c2: { Exclude: false } },"
          + " { match: [\"*.*\"], c2: { Exclude: true } }]";

  private ProcessJit() {}

  /** Applies {@code -Dswarmcast.jit} if set; quietly does nothing otherwise or where it cannot. */
  static void apply() {
    if (!"c1-except-digests".equals(System.getProperty("swarmcast.jit"))) {
      return;
    }
    try {
      Path file = Files.createTempFile("swarmcast-jit-", ".json");
      try {
        Files.writeString(file, C1_EXCEPT_DIGESTS);
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerDirectivesAdd",
                new Object[] {new String[] {file.toString()}},
                new String[] {String[].class.getName()});
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (Exception | LinkageError e) {
      System.err.println(
          "swarmcast: cannot set the JIT policy (" + e + "); the JVM's own settings apply");
    }
  }
}
