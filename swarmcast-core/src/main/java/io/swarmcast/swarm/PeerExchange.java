package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A fetch's way on once its driver is gone: the tracker died with it, so where pieces are is asked of
 * the peers themselves. Each known peer is asked once for what it holds and which holders it knows
 * (peer exchange); peers named in the answers are asked in turn. When no question is outstanding and
 * some missing piece has no known holder, no executor this one can reach has it, and the fetch fails
 * at once, naming the pieces, instead of waiting. Not thread-safe: the {@link FetchScheduler} owns it.
 */
final class PeerExchange {
  private boolean driverGone;
  private final Set<Integer> asked = new HashSet<>();
  private int pending;

  boolean driverGone() {
    return driverGone;
  }

  void driverLost() {
    driverGone = true;
  }

  /** Known peers not asked yet, now marked asked; empty while the driver is alive. */
  List<PeerAddress> toAsk(PeerTable peers) {
    List<PeerAddress> fresh = new ArrayList<>();
    if (!driverGone) {
      return fresh;
    }
    for (PeerAddress p : peers.addresses()) {
      if (asked.add(p.id())) {
        fresh.add(p);
      }
    }
    pending += fresh.size();
    return fresh;
  }

  /** An answer (or its failure) came back. */
  void answered() {
    pending = Math.max(0, pending - 1);
  }

  /**
   * Why the fetch cannot finish, if every question is answered and some missing piece ({@code
   * wanted}: neither held nor being fetched) has no known holder: nobody reachable has it. Null while
   * the driver lives, questions are out, or every missing piece has a holder.
   */
  IllegalStateException stuck(BitSet wanted, PeerTable peers, int pieceCount) {
    if (!driverGone || pending > 0) {
      return null;
    }
    BitSet orphans = (BitSet) wanted.clone();
    orphans.andNot(peers.allPieces());
    return orphans.isEmpty() ? null : new IllegalStateException("the driver is gone and no executor this one can reach "
        + "holds piece(s) " + Describe.pieces(orphans) + " of " + pieceCount);
  }
}
