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

  /** Whether questions to peers are out. */
  boolean asking() {
    return pending > 0;
  }

  /** An answer (or its failure) came back. */
  void answered() {
    pending = Math.max(0, pending - 1);
  }

  /**
   * Why the fetch {@code s} cannot finish, or null if it can still: once the driver is gone and every
   * question is answered, a missing piece (neither held nor being fetched) that no known peer holds is
   * held by nobody reachable; and a fetch with nothing out and nothing to wait for (no request, no
   * question, no wake-up: the direct strategy without its driver) will never hear of anything again.
   */
  IllegalStateException cannotFinish(FetchScheduler s) {
    BitSet wanted = s.wanted();
    if (driverGone && pending == 0) {
      BitSet orphans = (BitSet) wanted.clone();
      orphans.andNot(s.peers.allPieces());
      if (!orphans.isEmpty()) {
        return new IllegalStateException("the driver is gone and no executor this one can reach holds piece(s) "
            + Describe.pieces(orphans) + " of " + s.pieceCount);
      }
    }
    if (s.requests.size() == 0 && !s.locating && pending == 0 && !s.wakeups.anyPending()) {
      return new IllegalStateException("nothing is left to ask for piece(s) " + Describe.pieces(wanted) + " of " + s.pieceCount
          + (driverGone ? ": the driver is gone" : ""));
    }
    return null;
  }
}
