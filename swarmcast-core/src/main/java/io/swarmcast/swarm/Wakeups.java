package io.swarmcast.swarm;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The wake-ups a fetch has asked its adapter for and not yet been given. A new one is asked for
 * only if none is pending at or before it: when the earlier one fires, the scheduler looks again
 * and asks for what is still needed. So a fetch has a handful of timers at most, whatever it waits
 * for (busy sources, the end game, peer deadlines). Not thread-safe: the {@link FetchScheduler}
 * owns it.
 */
final class Wakeups {
  private final NavigableSet<Long> pending = new TreeSet<>();

  /** Asks for a wake-up at {@code at} unless one at or before it is pending. */
  void at(long at, List<FetchAction> out) {
    if (pending.isEmpty() || pending.first() > at) {
      pending.add(at);
      out.add(new FetchAction.WakeAt(at));
    }
  }

  boolean anyPending() {
    return !pending.isEmpty();
  }

  /** Those due by {@code now} have fired. */
  void fired(long now) {
    pending.headSet(now, true).clear();
  }

  /**
   * Asks for a wake-up at the first moment after {@code now} when something could change by itself:
   * a busy peer or driver may be asked again, a peer request reaches its deadline, or a fetch whose
   * driver is gone stops waiting for its neighbours ({@code PeerExchange#nextLook}).
   */
  void forDeadlines(FetchScheduler s, long now, List<FetchAction> out) {
    long next = s.peers.earliestBusyUntilAfter(now);
    if (s.driverBusyUntil > now) {
      next = Math.min(next, s.driverBusyUntil);
    }
    long oldest = s.requests.oldestToPeers();
    if (oldest != Long.MAX_VALUE) {
      next = Math.min(next, oldest + s.policy.peerTimeout().toNanos());
    }
    next = Math.min(next, s.exchange.nextLook(s));
    if (next != Long.MAX_VALUE) {
      at(next, out);
    }
  }
}
