package io.swarmcast.sim;

import io.swarmcast.swarm.IdIndex;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.PeerPieces;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The holders a simulated executor has heard of, by executor id, in the order learned (as {@code
 * PeerDirectory} keeps them). Every {@code Have} a simulated executor receives looks its sender up
 * here, in an {@link IdIndex}: tens of millions of lookups in a large run. Nothing is ever removed.
 */
final class KnownHolders {
  private final IdIndex<PeerPieces> holders = new IdIndex<>();

  /** The holder {@code peer}, added with no pieces if it was not known. */
  PeerPieces getOrAdd(PeerAddress peer) {
    int id = peer.id();
    if (id <= 0) {
      throw new IllegalArgumentException("executor ids start at 1: " + id);
    }
    PeerPieces p = holders.get(id);
    if (p == null) {
      p = new PeerPieces(peer, new BitSet());
      holders.add(id, p);
    }
    return p;
  }

  /** Every holder known, in the order learned; a copy. */
  List<PeerPieces> inOrder() {
    return new ArrayList<>(holders.values());
  }
}
