package io.swarmcast.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The JVM options a user's {@code swarmcast} processes get: what the {@code ./swarmcast} wrapper
 * passes to {@code java}, namely {@code $SWARMCAST_JAVA_OPTS} if set and not empty, else {@link
 * #DEFAULT} (the wrapper's {@code ${SWARMCAST_JAVA_OPTS:-...}}; a test keeps the two in step). The
 * wrapper exports the options it used, so a bench or demo started through it hands its child JVMs
 * exactly the same ones. Stateless, thread-safe.
 */
public final class JavaOpts {
  /** The environment variable the wrapper reads. */
  public static final String ENV = "SWARMCAST_JAVA_OPTS";

  /** The wrapper's options when {@link #ENV} is unset or empty. */
  public static final List<String> DEFAULT =
      List.of("-XX:+UseParallelGC", "-XX:TieredStopAtLevel=1");

  /**
   * The environment variable the wrapper reads for processes that move files ({@code send}, {@code
   * executor --out}).
   */
  public static final String FILES_ENV = "SWARMCAST_FILES_JAVA_OPTS";

  /**
   * The wrapper's options for {@code send} and {@code executor --out} when {@link #FILES_ENV} is
   * unset or empty: C2 for the JDK's digests only (a file's SHA-256), C1 for the rest.
   */
  public static final List<String> FILES_DEFAULT =
      List.of("-XX:+UseParallelGC", "-Dswarmcast.jit=c1-except-digests");

  private JavaOpts() {}

  /**
   * The options a user's process gets in {@code env}: {@link #ENV} split at whitespace, or {@link
   * #DEFAULT}.
   */
  public static List<String> of(Map<String, String> env) {
    String value = env.get(ENV);
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    return Arrays.stream(value.strip().split("\\s+")).toList();
  }

  /** The options of this process's environment. */
  public static List<String> fromEnvironment() {
    return of(System.getenv());
  }

  /**
   * The options a user's file-moving process gets in {@code env}: {@link #FILES_ENV} split at
   * whitespace, or {@link #FILES_DEFAULT}.
   */
  public static List<String> forFiles(Map<String, String> env) {
    String value = env.get(FILES_ENV);
    if (value == null || value.isBlank()) {
      return FILES_DEFAULT;
    }
    return Arrays.stream(value.strip().split("\\s+")).toList();
  }

  /** The {@code java} binary of this JVM. */
  public static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The command that starts {@code mainClass} (unless null) in a child JVM like this one: the same
   * {@code java} binary, {@code options}, and this JVM's classpath with absolute entries (the child
   * may start in another directory, or in a network namespace). The program's arguments follow.
   */
  public static List<String> childCommand(List<String> options, String mainClass) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(p -> Path.of(p).toAbsolutePath().toString())
            .collect(Collectors.joining(File.pathSeparator)));
    if (mainClass != null) {
      cmd.add(mainClass);
    }
    return cmd;
  }
}
