package io.swarmcast.security;

import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.internal.SecurityInternals;
import io.swarmcast.security.internal.SharedSecret;
import io.swarmcast.security.internal.Tls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds the security settings every node consults when it opens or accepts a connection.
 *
 * <p>With a shared secret ({@code swarmcast.auth.secret}, or the contents of {@code
 * swarmcast.auth.secretFile}), every connection's handshake proves, in both directions, that both
 * sides know it (an HMAC over both sides' nonces); a side that does not is refused before anything
 * is registered or served. {@code swarmcast.authenticate=true} without a secret is a configuration
 * error. With {@code swarmcast.tls.enabled}, every connection is TLS 1.3 with both sides'
 * certificates verified, and with a secret as well the proofs are bound to those certificates.
 * Invalid settings fail here, at construction, with a {@link ConfigException}. Immutable.
 */
public final class SecurityManager {
  static {
    SecurityInternals.install(m -> m.tls, m -> m.secret);
  }

  private final SharedSecret secret;

  /** TLS, or null when off. */
  private final Tls tls;

  public SecurityManager(SwarmConf conf) {
    byte[] bytes = secretBytes(conf);
    if (bytes.length == 0 && conf.get(SwarmConf.AUTHENTICATE)) {
      throw new ConfigException(
          SwarmConf.AUTHENTICATE.name()
              + "=true needs a shared secret: set "
              + SwarmConf.AUTH_SECRET.name()
              + " or "
              + SwarmConf.AUTH_SECRET_FILE.name());
    }
    this.secret = bytes.length == 0 ? null : new SharedSecret(bytes);
    this.tls = Tls.fromConf(conf, secret != null);
  }

  private static byte[] secretBytes(SwarmConf conf) {
    String inline = conf.get(SwarmConf.AUTH_SECRET);
    String file = conf.get(SwarmConf.AUTH_SECRET_FILE);
    if (!inline.isEmpty() && !file.isEmpty()) {
      throw new ConfigException(
          "set one of "
              + SwarmConf.AUTH_SECRET.name()
              + " and "
              + SwarmConf.AUTH_SECRET_FILE.name()
              + ", not both");
    }
    if (!file.isEmpty()) {
      try {
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
          throw new ConfigException(SwarmConf.AUTH_SECRET_FILE.name() + ": " + file + " is empty");
        }
        return text.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException(
            SwarmConf.AUTH_SECRET_FILE.name() + ": cannot read " + file + ": " + e.getMessage());
      }
    }
    return inline.getBytes(StandardCharsets.UTF_8);
  }

  /** A manager for a trusted network: no authentication, no encryption. */
  public static SecurityManager insecure() {
    return new SecurityManager(new SwarmConf());
  }

  /**
   * Whether every connection proves knowledge of a shared secret ({@code swarmcast.auth.secret}).
   */
  public boolean isAuthenticationEnabled() {
    return secret != null;
  }

  /** Whether every connection is TLS ({@code swarmcast.tls.enabled}). */
  public boolean isTlsEnabled() {
    return tls != null;
  }
}
