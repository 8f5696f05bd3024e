package io.swarmcast.bench.cluster;

import io.swarmcast.cli.JavaOpts;
import io.swarmcast.cli.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of {@code swarmcast bench --spark}: a Spark standalone cluster started from plain jars —
 * a master on the driver host, one worker with one core per executor host — and one application,
 * {@code io.swarmcast.spark.SideBySideBench}, submitted in client mode on the driver host. It times
 * {@code sc.broadcast} and {@code SwarmcastSpark.broadcast} alternately and appends one JSON line
 * per broadcast to {@code results.jsonl}, which becomes {@link BenchRow}s.
 *
 * <p>Spark needs no distribution: a directory with the jars under {@code jars/} and a {@code
 * RELEASE} file is a SPARK_HOME (workers build their executors' class path from it). The
 * application jar is swarmcast-spark's {@code -bench} jar (the side-by-side application alone); the
 * plugin jar reaches the executors through {@code --jars}, as a user's would. Every process is
 * stopped by PID, the executor JVMs that workers forked first. Not thread-safe; {@link #kill} may
 * come from a hook.
 */
final class SparkRun implements AutoCloseable, BenchCleanup.Processes {
  static final String APP_CLASS = "io.swarmcast.spark.SideBySideBench";
  static final String PLUGIN_CLASS = "io.swarmcast.spark.SwarmcastPlugin";

  /** What Spark's launcher adds on Java 17, one flag per package. */
  static final List<String> ADD_OPENS =
      Stream.of(
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
              "sun.util.calendar")
          .map(p -> "--add-opens=java.base/" + p + "=ALL-UNNAMED")
          .toList();

  private static final int MASTER_PORT = NetnsPlan.DRIVER_PORT;

  /** Where each process runs: the wrap (e.g. {@code ip netns exec NS}) and the address it binds. */
  record Hosts(
      List<String> driverWrap,
      String driverIp,
      List<List<String>> executorWraps,
      List<String> executorIps) {}

  private final Path sparkHome;

  /** Scala's binary version of those jars, e.g. 2.12. */
  private final String scalaVersion;

  private final Path pluginJar;
  private final Path benchJar;
  private final List<String> jvmOpts;

  /** {@code swarmcast.X=V} settings, passed to the application as {@code spark.swarmcast.X=V}. */
  private final List<String> swarmConf;

  private final Path logDir;
  private final List<Process> daemons = new ArrayList<>();
  private Process app;

  /**
   * @param sparkHome a directory with {@code jars/} and {@code RELEASE}
   * @param scalaVersion the Scala binary version of Spark's jars (2.12, 2.13)
   * @param pluginJar swarmcast-spark's shaded jar
   * @param benchJar swarmcast-spark's {@code -bench} jar, which holds {@link #APP_CLASS}
   * @param jvmOpts options of the application (driver) and executor JVMs, heap included
   * @param swarmConf {@code swarmcast.X=VALUE} settings for the plugin's nodes (the bench's {@code
   *     --conf})
   */
  SparkRun(
      Path sparkHome,
      String scalaVersion,
      Path pluginJar,
      Path benchJar,
      List<String> jvmOpts,
      List<String> swarmConf,
      Path logDir) {
    this.sparkHome = sparkHome;
    this.scalaVersion = scalaVersion;
    this.pluginJar = pluginJar;
    this.benchJar = benchJar;
    this.jvmOpts = List.copyOf(jvmOpts);
    this.swarmConf = List.copyOf(swarmConf);
    this.logDir = logDir;
  }

  /**
   * The {@code --conf} arguments of spark-submit for {@code swarmcast.X=VALUE} settings: the plugin
   * reads them as {@code spark.swarmcast.X} (and fails the application, naming the key, if one is
   * unknown).
   *
   * @throws IllegalArgumentException for an entry that is not {@code swarmcast.KEY=VALUE}
   */
  static List<String> sparkConf(List<String> swarmConf) {
    List<String> args = new ArrayList<>();
    for (String entry : swarmConf) {
      int eq = entry.indexOf('=');
      if (eq <= 0 || !entry.startsWith("swarmcast.")) {
        throw new IllegalArgumentException("not swarmcast.KEY=VALUE: " + entry);
      }
      args.add("--conf");
      args.add("spark." + entry);
    }
    return args;
  }

  /**
   * Starts the cluster, runs the application for {@code reps} repetitions of {@code size} bytes and
   * returns the JSON lines it wrote.
   *
   * @throws IOException naming the step and the log to read, if a process failed or timed out
   */
  List<String> execute(
      Hosts hosts, long size, int reps, String executorMemory, long timeoutSeconds, boolean files)
      throws IOException, InterruptedException {
    Files.createDirectories(logDir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    String master = "spark://" + hosts.driverIp() + ":" + MASTER_PORT;
    Path masterLog = logDir.resolve("master.log");
    track(
        start(
            hosts.driverWrap(),
            daemonCommand(
                "org.apache.spark.deploy.master.Master",
                "--host",
                hosts.driverIp(),
                "--port",
                Integer.toString(MASTER_PORT),
                "--webui-port",
                "0"),
            masterLog,
            hosts.driverIp()));
    await(masterLog, "I have been elected leader", 1, deadline, "the Spark master");
    int n = hosts.executorIps().size();
    for (int i = 0; i < n; i++) {
      Path workDir = Files.createDirectories(logDir.resolve("worker-" + (i + 1)));
      track(
          start(
              hosts.executorWraps().get(i),
              daemonCommand(
                  "org.apache.spark.deploy.worker.Worker",
                  "--host",
                  hosts.executorIps().get(i),
                  "--cores",
                  "1",
                  "--memory",
                  executorMemory,
                  "--webui-port",
                  "0",
                  "--work-dir",
                  workDir.toString(),
                  master),
              logDir.resolve("worker-" + (i + 1) + ".log"),
              hosts.executorIps().get(i)));
    }
    await(masterLog, "Registering worker", n, deadline, n + " Spark workers");

    Path results = logDir.resolve("results.jsonl");
    Files.deleteIfExists(results);
    List<String> submit = new ArrayList<>(javaCommand(jvmOpts));
    submit.addAll(
        List.of(
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            master,
            "--deploy-mode",
            "client",
            "--conf",
            "spark.driver.host=" + hosts.driverIp(),
            "--conf",
            "spark.driver.bindAddress=" + hosts.driverIp(),
            "--conf",
            "spark.executor.cores=1",
            "--conf",
            "spark.cores.max=" + n,
            "--conf",
            "spark.executor.memory=" + executorMemory,
            "--conf",
            "spark.executor.extraJavaOptions=" + String.join(" ", executorJvmOpts()),
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.plugins=" + PLUGIN_CLASS,
            "--jars",
            pluginJar.toString()));
    if (files) {
      // At Spark's defaults a large file through a shared link never arrived here (512 MiB, 8
      // executors, 100 Mbit/s): every executor's download was cut after 120 s
      // (spark.network.timeout's default; with only spark.files.fetchTimeout raised, the same) and
      // its task started over. Let both timeouts last the run, so that Spark's time is measured.
      submit.addAll(
          List.of(
              "--conf",
              "spark.files.fetchTimeout=" + timeoutSeconds + "s",
              "--conf",
              "spark.network.timeout=" + timeoutSeconds + "s"));
    }
    submit.addAll(sparkConf(swarmConf));
    submit.addAll(
        List.of(
            "--class",
            APP_CLASS,
            benchJar.toString(),
            "--executors",
            Integer.toString(n),
            "--size",
            Long.toString(size),
            "--reps",
            Integer.toString(reps),
            "--out",
            results.toString()));
    if (files) {
      submit.add("--files");
    }
    Path appLog = logDir.resolve("application.log");
    Process app = start(hosts.driverWrap(), submit, appLog, hosts.driverIp());
    synchronized (this) {
      this.app = app;
    }
    long left = deadline - System.nanoTime();
    if (!app.waitFor(Math.max(1, left), TimeUnit.NANOSECONDS)) {
      throw new IOException(
          "the application did not finish in time (raise --timeout); see " + appLog);
    }
    if (app.exitValue() != 0) {
      throw new IOException(
          "the application exited with " + app.exitValue() + ":\n" + BenchRun.tail(appLog));
    }
    return Files.exists(results) ? Files.readAllLines(results) : List.of();
  }

  /**
   * The executors get the bench's JVM options minus the heap (Spark sets it from
   * spark.executor.memory).
   */
  private List<String> executorJvmOpts() {
    List<String> opts = new ArrayList<>(ADD_OPENS);
    jvmOpts.stream()
        .filter(o -> !o.startsWith("-Xmx") && !o.startsWith("-Xms") && !ADD_OPENS.contains(o))
        .forEach(opts::add);
    return opts;
  }

  private List<String> daemonCommand(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(javaCommand(List.of("-Xmx256m")));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private List<String> javaCommand(List<String> options) {
    List<String> cmd = new ArrayList<>(List.of(JavaOpts.javaBinary()));
    cmd.addAll(ADD_OPENS);
    options.stream().filter(o -> !ADD_OPENS.contains(o)).forEach(cmd::add);
    cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*"));
    return cmd;
  }

  private synchronized void track(Process daemon) {
    daemons.add(daemon);
  }

  /**
   * Starts a Spark process with the environment Spark's scripts would give it: SPARK_HOME,
   * SPARK_SCALA_VERSION (the worker's executor command builder insists on it outside a source
   * checkout) and SPARK_LOCAL_IP, the emulated host's address.
   */
  private Process start(List<String> wrap, List<String> cmd, Path log, String localIp)
      throws IOException {
    List<String> all = new ArrayList<>(wrap);
    all.addAll(cmd);
    ProcessBuilder pb =
        new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", scalaVersion);
    pb.environment().put("SPARK_LOCAL_IP", localIp);
    pb.environment().remove("SPARK_TESTING");
    return pb.start();
  }

  /** Waits until {@code log} holds {@code text} {@code count} times. */
  private void await(Path log, String text, int count, long deadline, String what)
      throws IOException, InterruptedException {
    while (occurrences(log, text) < count) {
      List<Process> started;
      synchronized (this) {
        started = List.copyOf(daemons);
      }
      for (Process p : started) {
        if (!p.isAlive()) {
          throw new IOException(
              what + ": a Spark daemon exited with " + p.exitValue() + "; see " + logDir);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(what + " did not start in time; see " + log);
      }
      Thread.sleep(200);
    }
  }

  private static int occurrences(Path log, String text) throws IOException {
    if (!Files.exists(log)) {
      return 0;
    }
    String s = Files.readString(log);
    int n = 0;
    for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }

  /**
   * Stops the application, the executors the workers forked, the workers and the master, by PID.
   */
  @Override
  public void kill() {
    List<Process> all = new ArrayList<>();
    synchronized (this) {
      if (app != null) {
        all.add(app);
      }
      all.addAll(daemons);
    }
    // Executor JVMs are the workers' children: stop them first, by PID, or they would outlive the
    // bench.
    List<ProcessHandle> forked = all.stream().flatMap(Process::descendants).toList();
    forked.forEach(ProcessHandle::destroy);
    Processes.stop(all);
    forked.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public void close() {
    kill();
  }
}
