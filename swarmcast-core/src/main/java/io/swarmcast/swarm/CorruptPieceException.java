package io.swarmcast.swarm;

/** A piece whose bytes do not match the checksum its broadcast's handle carries. */
public final class CorruptPieceException extends RuntimeException {
  public CorruptPieceException(String message) {
    super(message);
  }
}
