package io.swarmcast.security;

import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;

/**
 * Holds the security settings every node consults when it opens or accepts a connection.
 *
 * <p>Authentication and TLS are not implemented yet; rather than pretend, a configuration that asks
 * for them ({@code swarmcast.authenticate=true}) is refused here, at node start-up. Immutable.
 */
public final class SecurityManager {
  private final boolean authenticate;

  public SecurityManager(SwarmConf conf) {
    this.authenticate = conf.get(SwarmConf.AUTHENTICATE);
    if (authenticate) {
      throw new ConfigException(SwarmConf.AUTHENTICATE.name()
          + "=true is not supported yet: this build has no authentication; unset it or run on a trusted network");
    }
  }

  /** A manager for a trusted network: no authentication, no encryption. */
  public static SecurityManager insecure() {
    return new SecurityManager(new SwarmConf());
  }

  public boolean isAuthenticationEnabled() {
    return authenticate;
  }
}
