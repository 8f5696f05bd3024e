package io.swarmcast.broadcast;

import java.io.Serializable;

/**
 * What a handle knows about its broadcast's bytes: their total size, the piece size (all pieces but
 * the last), each piece's
 * CRC32C, and how to turn the bytes back into the value. Immutable.
 */
record PieceLayout(long totalBytes, int pieceSize, int[] checksums, String serializer, String codec)
    implements Serializable {
  int pieceCount() {
    return checksums.length;
  }
}
