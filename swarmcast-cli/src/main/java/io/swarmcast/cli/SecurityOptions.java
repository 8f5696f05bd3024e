package io.swarmcast.cli;

import io.swarmcast.conf.ConfKey;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.security.internal.SecurityInternals;
import io.swarmcast.security.internal.Tls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Option;

/**
 * The security options of {@code driver}, {@code executor} and {@code demo}: the shared secret's
 * file (never the secret itself: a command line is visible to {@code ps}) and TLS. Each option sets
 * the {@code swarmcast.auth.*} / {@code swarmcast.tls.*} key of the same meaning; {@link #args()}
 * gives them back as a command line for the processes the demo and the bench start.
 */
public final class SecurityOptions {
  enum Provider {
    auto,
    jdk,
    openssl
  }

  @Option(
      names = "--secret-file",
      paramLabel = "FILE",
      description =
          "File holding the cluster's shared secret (swarmcast.auth.secretFile); the SWARMCAST_SECRET "
              + "environment variable is the other way to give it.")
  Path secretFile;

  @Option(
      names = "--tls",
      description =
          "TLS 1.3 on every connection (swarmcast.tls.enabled): with --tls-cert, "
              + "--tls-key and --tls-trust, or --tls-self-signed.")
  boolean tls;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "This node's certificate chain (swarmcast.tls.certFile); implies --tls.")
  Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Its PKCS#8 private key (swarmcast.tls.keyFile); implies --tls.")
  Path key;

  @Option(
      names = "--tls-trust",
      paramLabel = "PEM",
      description =
          "The certificates peers must chain to, e.g. the cluster's CA "
              + "(swarmcast.tls.trustFile); implies --tls.")
  Path trust;

  @Option(
      names = "--tls-self-signed",
      description =
          "A throwaway certificate per node, checked through the shared-secret "
              + "handshake (swarmcast.tls.selfSigned); needs a secret; implies --tls.")
  boolean selfSigned;

  @Option(
      names = "--tls-provider",
      paramLabel = "auto|jdk|openssl",
      description =
          "TLS implementation (swarmcast.tls.provider). Default: auto (OpenSSL when it loads).")
  Provider provider;

  boolean tlsEnabled() {
    return tls || selfSigned || cert != null || key != null || trust != null;
  }

  /** Sets the keys these options stand for; a secret file given here wins over SWARMCAST_SECRET. */
  SwarmConf apply(SwarmConf conf) {
    if (secretFile != null) {
      conf.set(SwarmConf.AUTH_SECRET, ""); // the environment's, if applyConf took it
      conf.set(SwarmConf.AUTH_SECRET_FILE, secretFile.toAbsolutePath().toString());
    }
    if (tlsEnabled()) {
      conf.set(SwarmConf.TLS_ENABLED, "true");
    }
    if (selfSigned) {
      conf.set(SwarmConf.TLS_SELF_SIGNED, "true");
    }
    setPath(conf, SwarmConf.TLS_CERT_FILE, cert);
    setPath(conf, SwarmConf.TLS_KEY_FILE, key);
    setPath(conf, SwarmConf.TLS_TRUST_FILE, trust);
    if (provider != null) {
      conf.set(SwarmConf.TLS_PROVIDER, provider.name());
    }
    return conf;
  }

  private static void setPath(SwarmConf conf, ConfKey<String> key, Path p) {
    if (p != null) {
      conf.set(key, p.toAbsolutePath().toString());
    }
  }

  /**
   * These options as {@code KEY=VALUE} configuration (for the bench, which hands its processes
   * {@code --conf}).
   */
  List<String> asConf() {
    SwarmConf conf = apply(new SwarmConf());
    List<String> kv = new ArrayList<>();
    for (ConfKey<?> k :
        List.of(
            SwarmConf.AUTH_SECRET_FILE,
            SwarmConf.TLS_ENABLED,
            SwarmConf.TLS_SELF_SIGNED,
            SwarmConf.TLS_CERT_FILE,
            SwarmConf.TLS_KEY_FILE,
            SwarmConf.TLS_TRUST_FILE,
            SwarmConf.TLS_PROVIDER)) {
      Object v = conf.get(k);
      if (!String.valueOf(v).equals(k.defaultText())) {
        kv.add(k.name() + "=" + v);
      }
    }
    return kv;
  }

  /** These options as a command line, for the processes a demo or bench starts. */
  List<String> args() {
    List<String> args = new ArrayList<>();
    if (secretFile != null) {
      args.addAll(List.of("--secret-file", secretFile.toAbsolutePath().toString()));
    }
    if (tls) {
      args.add("--tls");
    }
    if (selfSigned) {
      args.add("--tls-self-signed");
    }
    addPath(args, "--tls-cert", cert);
    addPath(args, "--tls-key", key);
    addPath(args, "--tls-trust", trust);
    if (provider != null) {
      args.addAll(List.of("--tls-provider", provider.name()));
    }
    return args;
  }

  private static void addPath(List<String> args, String option, Path p) {
    if (p != null) {
      args.addAll(List.of(option, p.toAbsolutePath().toString()));
    }
  }

  /**
   * {@code --secure}: a fresh random 256-bit secret in a new owner-only file under {@code dir}, and
   * self-signed TLS; {@code provider} as given (may be null). The caller deletes {@code dir}.
   */
  static SecurityOptions secure(Path dir, Provider provider) throws IOException {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Path file = dir.resolve("secret");
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, Base64.getEncoder().encodeToString(secret), StandardCharsets.US_ASCII);
    SecurityOptions s = new SecurityOptions();
    s.secretFile = file;
    s.selfSigned = true;
    s.provider = provider;
    return s;
  }

  /**
   * {@link #secure} in {@code dir} (the provider left to {@code --conf}), as {@code KEY=VALUE}
   * configuration: {@code bench --secure}.
   */
  public static List<String> secureConf(Path dir) throws IOException {
    return secure(dir, null).asConf();
  }

  /**
   * Shutdown hooks that delete a {@link #secureDir} if the process is stopped (Ctrl-C, SIGTERM)
   * before it is.
   */
  private static final Map<Path, Thread> CLEANUPS = new ConcurrentHashMap<>();

  /**
   * An owner-only temporary directory for {@link #secure}; deleted at exit unless {@link
   * #deleteSecureDir} did first.
   */
  public static Path secureDir() throws IOException {
    Path dir =
        Files.createTempDirectory(
            "swarmcast-secure-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Thread hook = new Thread(() -> delete(dir), "swarmcast-delete-secret");
    CLEANUPS.put(dir, hook);
    Runtime.getRuntime().addShutdownHook(hook);
    return dir;
  }

  /** Deletes what {@link #secure} wrote. */
  public static void deleteSecureDir(Path dir) {
    Thread hook = CLEANUPS.remove(dir);
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway
      }
    }
    delete(dir);
  }

  private static void delete(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve("secret"));
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  /**
   * "; authenticated (shared secret) and TLS 1.3 with openssl (...)" as {@code security} is set up;
   * "" for neither.
   */
  static String describe(SecurityManager security) {
    boolean auth = security.isAuthenticationEnabled();
    Tls tls = SecurityInternals.tls(security);
    if (!auth && tls == null) {
      return "";
    }
    return "; "
        + (auth ? "authenticated (shared secret)" : "")
        + (auth && tls != null ? " and " : "")
        + (tls != null
            ? "TLS 1.3 with "
                + tls.provider()
                + (tls.selfSigned() ? " (self-signed, fingerprints checked)" : "")
            : "");
  }
}
