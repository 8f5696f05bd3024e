package io.swarmcast.swarm;

import java.util.BitSet;
import java.util.List;

/** Every piece from the driver, lowest index first, up to {@code maxFromDriver} at a time. */
final class DirectStrategy extends FetchStrategy {
  static final DirectStrategy INSTANCE = new DirectStrategy();

  private DirectStrategy() {}

  @Override
  void start(FetchScheduler s, List<FetchAction> out) {
    book(s, out);
  }

  @Override
  void book(FetchScheduler s, List<FetchAction> out) {
    while (s.requests.toDriver < s.policy.limits().maxFromDriver()
        && s.now() >= s.driverBusyUntil
        && !s.exchange.driverGone()) {
      BitSet wanted = s.wanted();
      if (wanted.isEmpty()) {
        return;
      }
      int piece = wanted.nextSetBit(0);
      out.add(new FetchAction.FetchFromDriver(s.requests.toDriver(piece), piece));
    }
  }
}
