package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;

/**
 * A check a received piece must pass besides its CRC32C, which catches corruption but not forgery:
 * a file broadcast can ask for each piece's SHA-256 ({@code swarmcast.file.pieceDigest=sha256}), so
 * a peer cannot make an executor store bytes the driver did not send. Implementations are stateless
 * and thread-safe.
 */
@FunctionalInterface
public interface PieceCheck {
  /** No check beyond the CRC32C. */
  PieceCheck NONE = (piece, data) -> true;

  /**
   * Whether {@code data}'s readable bytes are piece {@code piece}; leaves {@code data} unchanged.
   */
  boolean matches(int piece, ByteBuf data);
}
