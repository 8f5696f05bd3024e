package io.swarmcast.broadcast;

import java.io.Serializable;

/**
 * What a handle knows about its broadcast's bytes: their total size, each piece's CRC32C (pieces
 * vary in size: see {@code Blockifier.split}), and how to turn the bytes back into the value.
 * Immutable.
 */
record PieceLayout(long totalBytes, int[] checksums, String serializer, String codec)
    implements Serializable {
  int pieceCount() {
    return checksums.length;
  }
}
