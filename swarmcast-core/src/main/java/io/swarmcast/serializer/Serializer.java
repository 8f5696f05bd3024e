package io.swarmcast.serializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns a broadcast value into bytes and back. Implementations must be thread-safe: one instance
 * serves every broadcast of a node.
 */
public interface Serializer {
  /** The short name used in configuration and recorded in each broadcast handle. */
  String name();

  /** Writes {@code value} to {@code out}; does not close it. */
  void serialize(Object value, OutputStream out) throws IOException;

  /** Reads one value from {@code in}, resolving classes through {@code loader}. */
  Object deserialize(InputStream in, ClassLoader loader) throws IOException;
}
