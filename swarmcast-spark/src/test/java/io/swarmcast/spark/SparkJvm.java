package io.swarmcast.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Spark driver JVM the way an installed Spark runs one: Spark's own jars (from
 * swarmcast-spark-dist, at Spark's versions), the shaded swarmcast-spark jar, and the test classes
 * as the application. Nothing of Maven's resolution for this module reaches it, so a class clash
 * between Swarmcast and Spark shows up here as it would for a user.
 *
 * <p>local-cluster mode needs Spark's test switches: the worker then forks executors with this
 * JVM's class path and the {@code --add-opens} flags Java 17 needs, passed on as {@code
 * spark.executor.extraJavaOptions}. Paths come from failsafe (see this module's POM).
 */
final class SparkJvm {
  /** What Spark's launcher adds on Java 17 (JavaModuleOptions), one flag per package. */
  static final List<String> JAVA_OPTIONS;

  static {
    List<String> opts = new ArrayList<>();
    for (String p :
        List.of(
            "java.lang",
            "java.lang.invoke",
            "java.lang.reflect",
            "java.io",
            "java.net",
            "java.nio",
            "java.util",
            "java.util.concurrent",
            "java.util.concurrent.atomic",
            "jdk.internal.ref",
            "sun.nio.ch",
            "sun.nio.cs",
            "sun.security.action",
            "sun.util.calendar")) {
      opts.add("--add-opens=java.base/" + p + "=ALL-UNNAMED");
    }
    opts.add("-Djdk.reflect.useDirectMethodHandle=false");
    opts.add("-Dio.netty.tryReflectionSetAccessible=true");
    JAVA_OPTIONS = List.copyOf(opts);
  }

  private SparkJvm() {}

  static Path shadedJar() {
    Path jar = Path.of(required("swarmcastSpark.shadedJar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no shaded jar at " + jar + ": run through Maven (mvn -pl swarmcast-spark -am verify)");
    }
    return jar;
  }

  /** The {@code -bench} jar: the side-by-side application alone, without the plugin. */
  static Path benchJar() {
    Path jar = Path.of(required("swarmcastSpark.benchJar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no bench jar at " + jar + ": run through Maven (mvn -pl swarmcast-spark -am verify)");
    }
    return jar;
  }

  static Path workDir() throws IOException {
    return Files.createDirectories(Path.of(required("swarmcastSpark.workDir")));
  }

  /** The executors' JVM options, for {@code spark.executor.extraJavaOptions}. */
  static String executorJavaOptions() {
    return String.join(" ", JAVA_OPTIONS);
  }

  /**
   * Runs {@code mainClass} of the test classes in a driver JVM and waits for it; on timeout kills
   * it and the executor JVMs it forked. The output goes to {@code log}.
   */
  static int run(Class<?> mainClass, Path log, Duration timeout, String... args)
      throws IOException, InterruptedException {
    String classPath =
        String.join(
            File.pathSeparator,
            sparkJars() + File.separator + "*",
            shadedJar().toString(),
            required("swarmcastSpark.testClasses"));
    List<String> cmd = new ArrayList<>(List.of("-cp", classPath, mainClass.getName()));
    cmd.addAll(List.of(args));
    return launch(cmd, log, timeout);
  }

  /**
   * Runs {@code spark-submit ARGS} as Spark's script does ({@code
   * org.apache.spark.deploy.SparkSubmit} with Spark's jars alone on the class path): what a user
   * types, without a Spark download.
   */
  static int submit(Path log, Duration timeout, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "-cp", sparkJars() + File.separator + "*", "org.apache.spark.deploy.SparkSubmit"));
    cmd.addAll(args);
    return launch(cmd, log, timeout);
  }

  /** Spark's own jars, as swarmcast-spark-dist copied them. */
  static Path sparkJars() {
    Path dist = Path.of(required("swarmcastSpark.distJars"));
    if (!Files.isDirectory(dist)) {
      throw new IllegalStateException(
          "no Spark jars at "
              + dist
              + ": swarmcast-spark-dist builds them (mvn -pl swarmcast-spark -am verify)");
    }
    return dist;
  }

  private static int launch(List<String> javaArgs, Path log, Duration timeout)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    cmd.addAll(JAVA_OPTIONS);
    cmd.add("-Dspark.testing=true");
    cmd.add("-Dspark.test.home=" + workDir());
    cmd.addAll(javaArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_TESTING", "1");
    pb.environment().put("SPARK_SCALA_VERSION", required("swarmcastSpark.scalaVersion"));
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            javaArgs.get(2) + " did not finish within " + timeout + "; log: " + log);
      }
      return p.exitValue();
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly); // the executor JVMs
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** The last {@code lines} lines of {@code log}, for failure messages. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private static String required(String property) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          "system property " + property + " is not set: run through Maven (failsafe)");
    }
    return v;
  }
}
