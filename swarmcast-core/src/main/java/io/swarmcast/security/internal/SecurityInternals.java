package io.swarmcast.security.internal;

import io.swarmcast.security.SecurityManager;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the transport reaches the TLS settings and the shared secret a {@link SecurityManager} holds,
 * without {@code SecurityManager} exposing them: it is public API, and {@link Tls} (Netty's SSL
 * handlers) and {@link SharedSecret} are not. This package is not exported by the module.
 *
 * <p>The same device as the JDK's {@code SharedSecrets}: {@code SecurityManager}'s static
 * initializer installs the readers once; they read its private fields.
 */
public final class SecurityInternals {
  private static volatile Function<SecurityManager, Tls> tls;
  private static volatile Function<SecurityManager, SharedSecret> secret;

  private SecurityInternals() {}

  /** Called once, by {@code SecurityManager}'s static initializer. */
  public static synchronized void install(
      Function<SecurityManager, Tls> tlsReader, Function<SecurityManager, SharedSecret> reader) {
    if (tls != null) {
      throw new IllegalStateException("SecurityInternals are installed already");
    }
    secret = Objects.requireNonNull(reader);
    tls = Objects.requireNonNull(tlsReader);
  }

  /** {@code security}'s TLS settings, or null when TLS is off. */
  public static Tls tls(SecurityManager security) {
    return tls.apply(security); // installed: an instance exists, so its class is initialized
  }

  /** {@code security}'s shared secret, or null when authentication is off. */
  public static SharedSecret secret(SecurityManager security) {
    return secret.apply(security);
  }
}
