package io.swarmcast.cli;

import io.swarmcast.conf.SwarmConf;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Options shared by {@code driver} and {@code demo}: what to broadcast, how, how often, how to
 * report.
 */
public final class RoundOptions {
  public enum Factory {
    torrent,
    direct
  }

  public enum Codec {
    lz4,
    zstd,
    none
  }

  @Option(
      names = "--size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      defaultValue = "64m",
      description =
          "Bytes of random, incompressible data per broadcast (k/m/g suffixes). Default: ${DEFAULT-VALUE}.")
  long size = 64L << 20; // shown as 64m in --help

  @Option(
      names = "--factory",
      paramLabel = "torrent|direct",
      description =
          "torrent: executors share pieces; direct: each fetches all from the driver. Default: ${DEFAULT-VALUE}.")
  Factory factory = Factory.torrent;

  @Option(
      names = "--reps",
      paramLabel = "R",
      description = "Broadcasts to run, one after another. Default: ${DEFAULT-VALUE}.")
  int reps = 1;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      description =
          "Broadcasts of --warmup-size run first and not reported, so freshly started JVMs are measured "
              + "warm. Default: ${DEFAULT-VALUE}.")
  int warmup = 0;

  @Option(
      names = "--warmup-size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description = "Size of each warm-up broadcast. Default: the smaller of --size and 32m.")
  Long warmupSize;

  @Option(
      names = "--files",
      description =
          "Broadcast a fresh file of --size random bytes per repetition (broadcastFile: "
              + "served in place, fetched into each executor's storage directory and checked) instead of a value.")
  boolean files;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per broadcast on stdout, nothing else; humans get stderr.")
  boolean json;

  @Option(
      names = "--block-size",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description = "Piece size (swarmcast.broadcast.blockSize). Default: 4m.")
  Long blockSize;

  @Option(
      names = "--compress",
      paramLabel = "lz4|zstd|none",
      description = "Codec for the serialized value (swarmcast.broadcast.compress). Default: lz4.")
  Codec compress;

  @Option(
      names = "--seed",
      description = "Seed of the random values, for repeatable runs. Default: ${DEFAULT-VALUE}.")
  long seed = 1;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      split = ",",
      description = "Any other configuration key, e.g. --conf swarmcast.fetch.maxInFlight=16.")
  List<String> extra = List.of();

  void validate(int executors) {
    if (executors < 1) {
      throw new IllegalArgumentException("--executors must be at least 1: " + executors);
    }
    if (reps < 1) {
      throw new IllegalArgumentException("--reps must be at least 1: " + reps);
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("--warmup must not be negative: " + warmup);
    }
    if (!files && BroadcastRounds.sizeProblem(size) != null) {
      throw new IllegalArgumentException(BroadcastRounds.sizeProblem(size));
    }
  }

  /**
   * These options as a {@code swarmcast driver} command line takes them, {@code --json} left out.
   */
  List<String> args() {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--size",
                Long.toString(size),
                "--factory",
                factory.name(),
                "--reps",
                Integer.toString(reps),
                "--warmup",
                Integer.toString(warmup),
                "--seed",
                Long.toString(seed)));
    if (warmupSize != null) {
      args.addAll(List.of("--warmup-size", Long.toString(warmupSize)));
    }
    if (blockSize != null) {
      args.addAll(List.of("--block-size", Long.toString(blockSize)));
    }
    if (compress != null) {
      args.addAll(List.of("--compress", compress.name()));
    }
    if (!extra.isEmpty()) {
      args.addAll(List.of("--conf", String.join(",", extra)));
    }
    if (files) {
      args.add("--files");
    }
    return args;
  }

  /**
   * What {@code swarmcast driver} and {@code swarmcast executor} pre-touch for pieces when they
   * start (the library's default is none): a process started to move broadcasts of hundreds of MiB
   * pays for their fresh pages at start, not during its first broadcast. {@code --conf} overrides
   * it.
   */
  static final String CLI_PRE_TOUCH = "256m";

  /**
   * The private broadcast {@code swarmcast driver} and {@code swarmcast executor} send themselves
   * at start (the library's default is none), so a fresh process's first broadcast runs compiled
   * code.
   */
  static final String CLI_WARM_UP = "8m";

  /** A configuration with the defaults of the command-line processes, before {@code --conf}. */
  static SwarmConf cliDefaults() {
    return new SwarmConf()
        .set(SwarmConf.STORAGE_PRE_TOUCH_BYTES, CLI_PRE_TOUCH)
        .set(SwarmConf.NODE_WARM_UP_BYTES, CLI_WARM_UP);
  }

  /** The driver's configuration these options describe. */
  SwarmConf conf() {
    SwarmConf conf = cliDefaults();
    conf.set(SwarmConf.BROADCAST_FACTORY, factory.name());
    if (blockSize != null) {
      conf.set(SwarmConf.BLOCK_SIZE, Long.toString(blockSize));
    }
    if (compress != null) {
      conf.set(SwarmConf.COMPRESS, compress.name());
    }
    return applyConf(conf, extra);
  }

  /**
   * Sets each {@code KEY=VALUE} of a {@code --conf} option on {@code conf}; a malformed entry, an
   * unknown key or a bad value throws an {@link IllegalArgumentException} naming it (exit code 2).
   */
  public static SwarmConf applyConf(SwarmConf conf, List<String> assignments) {
    for (String kv : assignments) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
      }
      String key = kv.substring(0, eq).trim();
      if (key.equals(SwarmConf.AUTH_SECRET.name())) {
        // Everyone on the host can read a command line (ps): never take a secret from one.
        throw new IllegalArgumentException(
            "--conf "
                + key
                + " would show the secret to anyone running ps; put it in a "
                + "file and pass --conf "
                + SwarmConf.AUTH_SECRET_FILE.name()
                + "=FILE, or set "
                + SECRET_ENV);
      }
      conf.set(key, kv.substring(eq + 1).trim());
    }
    return withSecretFromEnvironment(conf, System.getenv());
  }

  /** The environment variable the CLI reads the cluster's shared secret from. */
  static final String SECRET_ENV = "SWARMCAST_SECRET";

  /**
   * Sets {@code swarmcast.auth.secret} from {@value #SECRET_ENV} in {@code env}, unless a secret
   * file is set.
   */
  static SwarmConf withSecretFromEnvironment(SwarmConf conf, Map<String, String> env) {
    String secret = env.get(SECRET_ENV);
    if (secret != null && !secret.isBlank() && conf.get(SwarmConf.AUTH_SECRET_FILE).isEmpty()) {
      conf.set(SwarmConf.AUTH_SECRET, secret.strip());
    }
    return conf;
  }

  /** Where human output goes: stderr with --json (stdout is for JSON only), else stdout. */
  PrintStream human() {
    return json ? System.err : System.out;
  }
}
