package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import io.swarmcast.storage.Checksums;
import io.swarmcast.storage.PieceCheck;

/**
 * How an executor judges a piece that arrives, before it stores or serves it: against the checksums
 * in a value's handle ({@link #fixed}), or against those the driver publishes as it reads a file
 * ({@link ChecksumFollower}), which may not be known yet for a piece that came early.
 */
interface PieceVerifier {
  enum Verdict {
    /** The piece is what the driver has. */
    GOOD,
    /** It is not: corrupt, or forged. */
    BAD,
    /**
     * Its checksum is not known here yet: keep it until it is (see {@link ChecksumFollower#park}).
     */
    UNKNOWN
  }

  /**
   * Judges {@code data}'s readable bytes as piece {@code piece} (in range); leaves {@code data}
   * unchanged.
   */
  Verdict verify(int piece, ByteBuf data);

  /** Every piece's CRC32C known in advance, and {@code check} on top. */
  static PieceVerifier fixed(int[] checksums, PieceCheck check) {
    int[] crcs = checksums.clone();
    return (piece, data) ->
        Checksums.crc32c(data) == crcs[piece] && check.matches(piece, data)
            ? Verdict.GOOD
            : Verdict.BAD;
  }
}
