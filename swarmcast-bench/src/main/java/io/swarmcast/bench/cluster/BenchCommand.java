package io.swarmcast.bench.cluster;

import io.swarmcast.cli.BroadcastRounds;
import io.swarmcast.cli.LinkUnits;
import io.swarmcast.cli.RoundOptions;
import io.swarmcast.cli.SecurityOptions;
import io.swarmcast.cli.SizeConverter;
import io.swarmcast.cli.SwarmcastCli;
import io.swarmcast.cli.SwarmcastSubcommand;
import io.swarmcast.conf.SwarmConf;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code swarmcast bench}: its options and their checks, then {@link ClusterBench} runs the sweep.
 * The engine starts {@code driver} and {@code executor} processes through {@link SwarmcastCli},
 * this command's own entry point, so every usage error is reported here, before any JVM starts. A
 * {@link SwarmcastSubcommand}: the CLI finds it on the class path (META-INF/services) and does not
 * depend on this module.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark broadcasts on an emulated cluster (needs root): one Linux network",
      "namespace per host (the driver and each executor) on a bridge, every host's",
      "link shaped to --rate in both directions with tc. For each factory and",
      "executor count it runs a real driver and real executors for --reps broadcasts,",
      "then writes results.csv, summary.md and time-vs-executors.png to --out.",
      "With --loopback: the same on 127.0.0.1, without namespaces or shaping, to",
      "measure the software's cost, after loopback's plain TCP ceiling (--ceiling).",
      "Every process starts as a user's would (the ./swarmcast wrapper's JVM options,",
      "a heap size) and the first broadcast of each fresh cluster is reported on its",
      "own; results.csv has the CPU of every process per broadcast."
    },
    footer = {
      "",
      "Examples:",
      "  swarmcast bench --executors 1,2,4,8 --size 128m --rate 100mbit --out results",
      "  swarmcast bench --executors 1,2,4 --size 32m --rate 1gbit --factory torrent",
      "  swarmcast bench --loopback --executors 1,2,4 --size 64m --reps 5",
      "  # inside Spark, against sc.broadcast; with --files, against sc.addFile",
      "  swarmcast bench --spark --executors 1,2,4,8 --size 128m --rate 100mbit",
      "  swarmcast bench --spark --files --executors 8 --size 512m --rate 100mbit",
      "  # a driver on a faster link than its executors'",
      "  swarmcast bench --executors 3 --size 64m --rate 50mbit --driver-rate 400mbit"
    })
public final class BenchCommand implements Callable<Integer>, SwarmcastSubcommand {
  @Spec CommandSpec spec;

  @Option(
      names = "--executors",
      split = ",",
      paramLabel = "N[,N...]",
      description = "Executor counts to sweep. Default: 1,2,4,8,16.")
  List<Integer> executors = List.of(1, 2, 4, 8, 16);

  @Option(
      names = "--size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      defaultValue = "128m",
      description = "Bytes per broadcast (k/m/g suffixes). Default: ${DEFAULT-VALUE}.")
  long size;

  @Option(
      names = "--rate",
      converter = LinkUnits.RateConverter.class,
      paramLabel = "RATE",
      description = {
        "Each host's link rate, each direction, in tc units: 500kbit, 100mbit, 1gbit (100mbit = 100e6 bit/s).",
        "Required unless --loopback; there it only sets the size÷bandwidth reference (else 0)."
      })
  Long rateBits;

  @Option(
      names = "--driver-rate",
      converter = LinkUnits.RateConverter.class,
      paramLabel = "RATE",
      description =
          "The driver host's link rate, if not --rate: e.g. a driver on 400mbit and executors on 50mbit "
              + "(results.csv's seededSeconds: when every piece was on some executor).")
  Long driverRateBits;

  @Option(
      names = "--slow-executors",
      paramLabel = "K",
      description =
          "Put the last K executors on links at --slow-rate: do slow peers drag the fast ones? The "
              + "fast executors' times are in the driver's log (logs/<factory>-<n>/driver.log). Default: 0.")
  int slowExecutors;

  @Option(
      names = "--slow-rate",
      converter = LinkUnits.RateConverter.class,
      paramLabel = "RATE",
      description = "The link rate of the --slow-executors, each direction, in tc units.")
  Long slowRateBits;

  @Option(
      names = "--delay",
      converter = LinkUnits.DelayConverter.class,
      paramLabel = "DELAY",
      description =
          "One-way delay between hosts, e.g. 1ms (needs the netem qdisc; not with --loopback).")
  Long delayMicros;

  @Option(
      names = "--factory",
      split = ",",
      paramLabel = "F[,F...]",
      description = "Factories to sweep: torrent, direct. Default: torrent,direct.")
  List<RoundOptions.Factory> factories =
      List.of(RoundOptions.Factory.torrent, RoundOptions.Factory.direct);

  @Option(
      names = "--reps",
      paramLabel = "R",
      description = "Broadcasts per run. Default: ${DEFAULT-VALUE}.")
  int reps = 3;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      description =
          "Broadcasts of --warmup-size each driver runs first and does not report. Default: ${DEFAULT-VALUE}: "
              + "a user's first broadcast in a fresh cluster counts, so it is reported (rep 1, clusterBroadcast 1) and "
              + "shown apart from the rest. A warm-up is for experiments only.")
  int warmup = 0;

  @Option(
      names = "--warmup-size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description = "Size of each warm-up broadcast, with --warmup. Default: --size.")
  Long warmupSize;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory. Default: ${DEFAULT-VALUE}.")
  Path out = Path.of("bench-out");

  @Option(names = "--loopback", description = "No namespaces, no shaping: everything on 127.0.0.1.")
  boolean loopback;

  @Option(
      names = "--block-size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description = "Piece size, passed to the driver.")
  Long blockSize;

  @Option(
      names = "--compress",
      paramLabel = "lz4|zstd|none",
      description = "Codec, passed to the driver.")
  RoundOptions.Codec compress;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      split = ",",
      description = "Configuration keys for driver and executors.")
  List<String> conf = List.of();

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description =
          "Limit per run (one factory and executor count, all reps); 0 = from size, rate and executors. Default: 0.")
  long timeoutSeconds;

  @Option(
      names = "--jvm-opt",
      paramLabel = "OPT",
      description =
          "JVM option for the driver and executor processes (repeatable), replacing the default, for "
              + "experiments; summary.md names the options used. Default: what the ./swarmcast wrapper gives a user's "
              + "processes ($SWARMCAST_JAVA_OPTS, else -XX:+UseParallelGC -XX:TieredStopAtLevel=1) plus a heap of max(512 MiB, 3 x size + 256 MiB) "
              + "(-Xms and -Xmx), nothing else.")
  List<String> jvmOpts = List.of();

  @Option(
      names = "--ceiling",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      defaultValue = "512m",
      description =
          "With --loopback: bytes sent over plain TCP between two JVMs first, 3 times, to measure the "
              + "loopback ceiling that summary.md compares 1 executor with. Default: ${DEFAULT-VALUE}.")
  long ceiling;

  @Option(names = "--no-ceiling", description = "With --loopback: skip the TCP ceiling.")
  boolean noCeiling;

  @Option(
      names = "--files",
      description = {
        "Files instead of values: per repetition a fresh file of --size random bytes "
            + "(driver --files: broadcastFile, fetched into each executor's storage directory and checked). With --spark: "
            + "sc.addFile read with SparkFiles.get (factory spark-addFile) against SwarmcastSpark.addFile read with "
            + "SwarmcastFiles.get (swarmcast-addFile)."
      })
  boolean files;

  @Option(
      names = "--spark",
      description = {
        "Side by side inside Apache Spark: per executor count a Spark standalone "
            + "cluster (a master on the driver host, a one-core worker per executor host) and one application that times "
            + "sc.broadcast (factory spark-torrent) and SwarmcastSpark.broadcast (swarmcast) alternately. Needs the jars of "
            + "`mvn -B -pl swarmcast-spark -am package -DskipTests`; not with --factory. --conf swarmcast.X=V reaches the plugin's "
            + "nodes as spark.swarmcast.X=V."
      })
  boolean spark;

  @Option(
      names = "--spark-jars",
      paramLabel = "DIR",
      description =
          "With --spark: Spark's jars (a Spark distribution's jars/). Default: swarmcast-spark-dist/target/spark-jars-"
              + SPARK_VERSION
              + " of this checkout.")
  Path sparkJars;

  @Option(
      names = "--spark-plugin",
      paramLabel = "JAR",
      description =
          "With --spark: swarmcast-spark's shaded jar. Default: the one in swarmcast-spark/target of this checkout.")
  Path sparkPlugin;

  /** The Spark that swarmcast-spark-dist copies by default. */
  static final String SPARK_VERSION = "3.5.9";

  @Option(
      names = "--secure",
      description = {
        "Run every driver and executor with a fresh random shared secret (an owner-only temporary file, "
            + "passed as --conf swarmcast.auth.secretFile=...) and self-signed TLS 1.3, to measure what security costs. "
            + "Pick the TLS implementation with --conf swarmcast.tls.provider=jdk|openssl (default auto: OpenSSL when it loads)."
      })
  boolean secure;

  @Override
  public Integer call() throws Exception {
    if (spark) {
      return runSpark();
    }
    validate();
    if (!secure) {
      return run(conf);
    }
    Path dir = SecurityOptions.secureDir();
    try {
      List<String> withSecurity = new ArrayList<>(conf);
      withSecurity.addAll(SecurityOptions.secureConf(dir));
      return run(withSecurity);
    } finally {
      SecurityOptions.deleteSecureDir(dir);
    }
  }

  private int run(List<String> conf) throws Exception {
    List<String> factoryNames = factories.stream().map(Enum::name).toList();
    BenchSettings settings =
        new BenchSettings(
            executors,
            factoryNames,
            size,
            rateBits == null ? 0 : rateBits,
            driverRateBits == null ? 0 : driverRateBits,
            delayMicros == null ? 0 : delayMicros,
            reps,
            warmup,
            warmupSize,
            loopback,
            blockSize,
            compress == null ? null : compress.name(),
            conf,
            timeoutSeconds,
            jvmOpts,
            loopback && !noCeiling ? ceiling : 0,
            SwarmcastCli.class.getName(),
            out,
            commandLine(),
            files,
            slowExecutors,
            slowRateBits == null ? 0 : slowRateBits);
    return new ClusterBench(settings).run(System.out, System.err);
  }

  private int runSpark() throws Exception {
    CommandLine cl = spec.commandLine();
    if (cl.getParseResult().hasMatchedOption("--factory")) {
      throw new CommandLine.ParameterException(
          cl, "--spark compares spark-torrent with swarmcast; it takes no --factory");
    }
    if (warmup != 0
        || warmupSize != null
        || blockSize != null
        || compress != null
        || delayMicros != null) {
      throw new CommandLine.ParameterException(
          cl,
          "--spark takes --executors, --size, --rate, --reps, --out, --loopback, --timeout, --jvm-opt, --conf only");
    }
    factories =
        List.of(
            RoundOptions.Factory
                .torrent); // satisfies validate(); the Spark bench names its own two
    validate();
    Path checkout = checkout();
    Path jars =
        sparkJars != null
            ? sparkJars
            : checkout
                .resolve("swarmcast-spark-dist")
                .resolve("target")
                .resolve("spark-jars-" + SPARK_VERSION);
    Path target = checkout.resolve("swarmcast-spark").resolve("target");
    Path plugin = sparkPlugin != null ? sparkPlugin : sparkJar(target, "shaded");
    Path app = sparkJar(target, "bench"); // the side-by-side application, not in the plugin's jars
    List<String> pair =
        files
            ? List.of("spark-addFile", "swarmcast-addFile")
            : List.of("spark-torrent", "swarmcast");
    BenchSettings settings =
        new BenchSettings(
            executors,
            pair,
            size,
            rateBits == null ? 0 : rateBits,
            driverRateBits == null ? 0 : driverRateBits,
            0,
            reps,
            0,
            null,
            loopback,
            null,
            null,
            conf,
            timeoutSeconds,
            jvmOpts,
            0,
            SwarmcastCli.class.getName(),
            out,
            commandLine(),
            files,
            0,
            0);
    return new SparkBench(settings, jars, plugin, app).run(System.out, System.err);
  }

  /** This checkout's root: the command-line jar is its swarmcast-app/target/swarmcast.jar. */
  private static Path checkout() throws URISyntaxException {
    Path jar =
        Path.of(SwarmcastCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path root =
        jar.getParent() == null || jar.getParent().getParent() == null
            ? null
            : jar.getParent().getParent().getParent();
    return root != null ? root : Path.of(".");
  }

  /**
   * swarmcast-spark's jar of this classifier in {@code target}: {@code shaded} (the plugin) or
   * {@code bench}.
   */
  private static Path sparkJar(Path target, String classifier) throws IOException {
    if (Files.isDirectory(target)) {
      try (var files = Files.list(target)) {
        Optional<Path> jar =
            files
                .filter(
                    f ->
                        f.getFileName()
                            .toString()
                            .matches("swarmcast-spark-.*-" + classifier + "\\.jar"))
                .findFirst();
        if (jar.isPresent()) {
          return jar.get();
        }
      }
    }
    return target.resolve("swarmcast-spark-" + classifier + ".jar (not built)");
  }

  private void validate() {
    CommandLine cl = spec.commandLine();
    if (executors.isEmpty() || factories.isEmpty()) {
      throw new CommandLine.ParameterException(
          cl, "--executors and --factory need at least one value");
    }
    for (int n : executors) {
      if (n < 1 || n > ClusterBench.MAX_EXECUTORS) {
        throw new CommandLine.ParameterException(
            cl, "--executors values must be 1.." + ClusterBench.MAX_EXECUTORS + ": " + n);
      }
    }
    if (warmup < 0) {
      throw new CommandLine.ParameterException(cl, "--warmup must not be negative: " + warmup);
    }
    if (reps < 1) {
      throw new CommandLine.ParameterException(cl, "--reps must be at least 1: " + reps);
    }
    if (warmupSize != null && (warmupSize < 1 || BroadcastRounds.sizeProblem(warmupSize) != null)) {
      throw new CommandLine.ParameterException(
          cl, "--warmup-size must be 1 byte to 2 GiB: " + warmupSize);
    }
    if (!files && BroadcastRounds.sizeProblem(size) != null) {
      throw new CommandLine.ParameterException(cl, BroadcastRounds.sizeProblem(size));
    }
    if (!loopback && rateBits == null) {
      throw new CommandLine.ParameterException(
          cl, "--rate is required (e.g. --rate 100mbit), unless --loopback");
    }
    if (loopback && delayMicros != null) {
      throw new CommandLine.ParameterException(
          cl, "--delay needs the emulated network; it cannot be used with --loopback");
    }
    if (timeoutSeconds < 0) {
      throw new CommandLine.ParameterException(
          cl, "--timeout must not be negative: " + timeoutSeconds);
    }
    try {
      RoundOptions.applyConf(new SwarmConf(), conf); // fail here, not in 17 processes later
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  /** The command as typed, quoted for a POSIX shell where needed. */
  private String commandLine() {
    List<String> parts = new ArrayList<>(List.of("swarmcast"));
    for (String a : spec.root().commandLine().getParseResult().originalArgs()) {
      parts.add(a.matches("[A-Za-z0-9_./:=,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return String.join(" ", parts);
  }
}
