package io.swarmcast.swarm;

import java.util.BitSet;

/** Piece sets in words for messages: a few indices, then how many more. */
final class Describe {
  private static final int SHOWN = 8;

  private Describe() {}

  static String pieces(BitSet pieces) {
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (int i = pieces.nextSetBit(0);
        i >= 0 && shown < SHOWN;
        i = pieces.nextSetBit(i + 1), shown++) {
      b.append(shown == 0 ? "" : ", ").append(i);
    }
    int more = pieces.cardinality() - shown;
    return more > 0 ? b + " and " + more + " more" : b.toString();
  }
}
