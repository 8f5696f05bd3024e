package io.swarmcast.protocol;

/**
 * A frame that breaks the wire protocol: unknown type, bad length, out-of-range field, trailing
 * bytes.
 */
public final class ProtocolException extends RuntimeException {
  public ProtocolException(String message) {
    super(message);
  }
}
