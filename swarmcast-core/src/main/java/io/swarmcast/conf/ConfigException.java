package io.swarmcast.conf;

/**
 * Thrown when a configuration value is missing, malformed or out of range; the message names the
 * key and the bad value.
 */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String message) {
    super(message);
  }
}
