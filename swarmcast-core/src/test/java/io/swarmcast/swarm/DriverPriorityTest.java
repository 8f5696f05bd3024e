package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DriverPriority} against a small model of one executor's download link: the driver and the
 * peers it fetches from share the link per connection, each source's pieces arriving as its rate
 * delivers them.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DriverPriorityTest {
  private static final int PIECE = 128 << 10;
  private static final double LINK = 50e6 / 8 / 1e9; // 50 Mbit/s, in bytes per nanosecond

  /**
   * One executor's link, for {@code seconds} of virtual time: {@code peersWanted} peers when no
   * limit applies, and the driver's rate given how many peers share the link with it.
   */
  private static final class Link {
    final DriverPriority priority = new DriverPriority();
    long now;
    int driverPiecesLimited; // the driver's pieces that arrived while a limit applied

    void run(double seconds, int peersWanted, IntToDoubleFunction driverRateWithPeers) {
      long end = now + (long) (seconds * 1e9);
      double driverBytes = 0;
      double peerBytes = 0;
      long step = 100_000; // 0.1 ms
      while (now < end) {
        int limit = priority.peerLimit();
        int peers = Math.min(peersWanted, limit);
        double driverRate = driverRateWithPeers.applyAsDouble(peers);
        double peerRate = peers == 0 ? 0 : LINK - driverRate;
        now += step;
        driverBytes += driverRate * step;
        peerBytes += peerRate * step;
        if (driverBytes >= PIECE) {
          driverBytes -= PIECE;
          priority.arrived(now, PIECE, true, peers);
          driverPiecesLimited += limit == DriverPriority.UNLIMITED ? 0 : 1;
        }
        if (peerBytes >= PIECE) {
          peerBytes -= PIECE;
          priority.arrived(now, PIECE, false, peers);
        }
      }
    }
  }

  /** A driver that could send 8× faster than the link: it gets the link's share of a connection. */
  private static double fastDriver(int peers) {
    return LINK / (peers + 1);
  }

  @Test
  void aDriverHeldBackByThisExecutorsLinkGetsTheLinkToItself() {
    Link link = new Link();
    link.run(3, 2, DriverPriorityTest::fastDriver);
    assertThat(link.priority.peerLimit()).as("peers held back").isZero();
  }

  @Test
  void aDriverThatIsItsOwnBottleneckKeepsEveryPeer() {
    // The driver's link is shared by 8 executors: an eighth of this one's, however many peers.
    Link link = new Link();
    link.run(10, 7, peers -> LINK / 8);
    assertThat(link.priority.peerLimit()).isEqualTo(DriverPriority.UNLIMITED);
    // One try at most, since the driver's rate never changes: one short sample with a peer fewer.
    assertThat(link.driverPiecesLimited).isLessThanOrEqualTo(DriverPriority.STEP_SAMPLE);
  }

  @Test
  void aDriverAloneThatSlowsLetsThePeersBackIn() {
    Link link = new Link();
    link.run(3, 2, DriverPriorityTest::fastDriver);
    assertThat(link.priority.peerLimit()).isZero();
    // More executors start on the driver: it now gives this one a quarter of the link at most.
    link.run(3, 2, peers -> Math.min(LINK / 4, fastDriver(peers)));
    assertThat(link.priority.peerLimit()).isEqualTo(DriverPriority.UNLIMITED);
  }

  @Test
  void theDriverGoingAwayLiftsTheLimit() {
    Link link = new Link();
    link.run(3, 2, DriverPriorityTest::fastDriver);
    assertThat(link.priority.peerLimit()).isZero();
    link.priority.driverUnavailable();
    assertThat(link.priority.peerLimit()).isEqualTo(DriverPriority.UNLIMITED);
  }

  @Test
  void withoutPieceSizesNothingIsDecided() {
    DriverPriority p = new DriverPriority();
    for (int i = 0; i < 1000; i++) {
      p.arrived(i * 1_000_000L, 0, i % 3 == 0, 2);
    }
    assertThat(p.peerLimit()).isEqualTo(DriverPriority.UNLIMITED);
  }
}
