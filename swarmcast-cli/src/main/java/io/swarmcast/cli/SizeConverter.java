package io.swarmcast.cli;

import io.swarmcast.conf.ByteSize;
import io.swarmcast.conf.ConfigException;
import picocli.CommandLine;

/**
 * Lets options take sizes like {@code 64m}; a malformed one is a usage error (exit 2) naming it.
 */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      long v = ByteSize.parse(value);
      if (v <= 0) {
        throw new CommandLine.TypeConversionException("size must be positive: '" + value + "'");
      }
      return v;
    } catch (ConfigException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
