package io.swarmcast.sim;

import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.PeerPieces;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The holders a simulated executor has heard of, by executor id, in the order learned (as {@code
 * PeerDirectory} keeps them). Every {@code Have} a simulated executor receives looks its sender up
 * here: tens of millions of lookups in a large run, where a {@code LinkedHashMap<Integer, ...>} (a
 * boxed key, a node and a captured lambda per lookup) was a twelfth of the time. Open addressing on
 * an {@code int[]}; nothing is ever removed.
 */
final class KnownHolders {
  private int[] ids = new int[32]; // 0 is free: executor ids start at 1
  private PeerPieces[] slots = new PeerPieces[32];
  private final List<PeerPieces> inOrder = new ArrayList<>();

  /** The holder {@code peer}, added with no pieces if it was not known. */
  PeerPieces getOrAdd(PeerAddress peer) {
    int id = peer.id();
    if (id <= 0) {
      throw new IllegalArgumentException("executor ids start at 1: " + id);
    }
    int mask = ids.length - 1;
    int i = mix(id) & mask;
    while (ids[i] != 0) {
      if (ids[i] == id) {
        return slots[i];
      }
      i = (i + 1) & mask;
    }
    PeerPieces p = new PeerPieces(peer, new BitSet());
    ids[i] = id;
    slots[i] = p;
    inOrder.add(p);
    if (inOrder.size() * 2 > ids.length) {
      grow();
    }
    return p;
  }

  /** Every holder known, in the order learned; a copy. */
  List<PeerPieces> inOrder() {
    return new ArrayList<>(inOrder);
  }

  private void grow() {
    int[] oldIds = ids;
    PeerPieces[] oldSlots = slots;
    ids = new int[oldIds.length * 2];
    slots = new PeerPieces[oldIds.length * 2];
    int mask = ids.length - 1;
    for (int k = 0; k < oldIds.length; k++) {
      if (oldIds[k] != 0) {
        int i = mix(oldIds[k]) & mask;
        while (ids[i] != 0) {
          i = (i + 1) & mask;
        }
        ids[i] = oldIds[k];
        slots[i] = oldSlots[k];
      }
    }
  }

  private static int mix(int id) {
    int h = id * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
