package io.swarmcast.broadcast;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Swarmcast's own classes (and the libraries the Spark plugin's jar relocates under {@code
 * io.swarmcast.shaded}) out of the C2 compiler, which leaves them to C1 ({@code
 * swarmcast.node.c1Only}).
 *
 * <p>Why: a node's hot loops are copies, checksums (JDK intrinsics either way) and socket I/O,
 * which C1 compiles well, while C2 spends seconds of CPU compiling them during the first broadcasts
 * — CPU that many JVMs on a small machine, or the user's own work on a real one, do not have. The
 * {@code ./swarmcast} wrapper runs whole JVMs with C1 for the same reason; in a user's JVM (a
 * library user's, Spark's) only our classes are excluded, through a compiler directive added at run
 * time (the DiagnosticCommand MBean's {@code compilerDirectivesAdd}, what {@code jcmd PID
 * Compiler.directives_add} calls); everything else keeps the JVM's settings. Measured inside Spark
 * in docs/PERFORMANCE.md.
 *
 * <p>Best effort: a JVM without the MBean (not HotSpot) keeps its defaults, and says so in the log.
 */
final class JitDirectives {
  private static final Logger LOG = LoggerFactory.getLogger(JitDirectives.class);

  /**
   * HotSpot's directive syntax; a class pattern may end in a wildcard, which spans sub-packages.
   */
  static final String C1_ONLY = "[{ match: [\"io/swarmcast/*.*\"], c2: { Exclude: true } }]";

  private static boolean added;

  private JitDirectives() {}

  /** Adds the directive once per JVM; later calls do nothing. */
  static synchronized void keepSwarmcastOutOfC2() {
    if (added) {
      return;
    }
    added = true;
    Path file = null;
    try {
      file = Files.createTempFile("swarmcast-jit-", ".json");
      Files.writeString(file, C1_ONLY);
      Object result =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "compilerDirectivesAdd",
                  new Object[] {new String[] {file.toString()}},
                  new String[] {String[].class.getName()});
      LOG.info(
          "Swarmcast's classes are compiled by C1 only in this JVM (compiler directive added{})",
          result == null || result.toString().isBlank() ? "" : ": " + result.toString().strip());
    } catch (Exception | LinkageError e) {
      LOG.info(
          "cannot keep Swarmcast's classes out of C2 in this JVM ({}); the JVM's JIT settings apply",
          e.toString());
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.debug("cannot delete {}", file, e);
        }
      }
    }
  }
}
