package io.swarmcast.sim;

import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.PieceData;
import java.util.BitSet;

/**
 * The size on the wire of every message the simulation sends: the real message's encoded length
 * plus the frame's 5-byte header ({@code <i32 length><u8 type>}), as {@code MessageEncoder} writes
 * it.
 */
final class Frames {
  static final int HEADER = 5;
  static final int ANNOUNCE = of(new Announce(1, 0));
  static final int GET_LOCATIONS = of(new GetLocations(1, 1));
  static final int FETCH_PIECE = of(new FetchPiece(1, 1, 0));
  static final int BUSY = of(new Busy(1));
  static final int ACK = of(new Ack(1));

  /** A refusal: "the piece is gone". */
  static final int FAILURE = of(new Failure(1, "executor 1 does not hold piece 0 of Broadcast(1)"));

  private Frames() {}

  static int of(Message m) {
    return HEADER + m.encodedLength();
  }

  /** A piece of {@code bytes}: the header, then the bytes. */
  static long piece(int bytes) {
    return HEADER + PieceData.HEADER_LENGTH + (long) bytes;
  }

  static int fetchAny(int pieceCount, BitSet exclude) {
    return of(new FetchAnyPiece(1, 1, false, pieceCount, exclude));
  }
}
