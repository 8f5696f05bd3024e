package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code swarmcast.tracker.neighbours} on real nodes and sockets: a driver whose tracker relays no
 * notices and names 2 random neighbours per question, and 6 executors in this JVM reading one
 * broadcast at once ({@link WarmUp#transfer}, which fails if any copy arrives altered). Most of the
 * value moves between the executors, which they can only do by asking their neighbours what they
 * hold. (With K = 2 of 6, a stalled executor sometimes gets a piece again from the driver: 1.0 to
 * 2.1 copies in all were seen.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NeighbourExchangeIT {
  private static final int EXECUTORS = 6;
  private static final int BYTES = 4 << 20;

  @Test
  void executorsThatOnlyHearFromTheirNeighboursStillShareThePieces() throws Exception {
    SwarmConf conf =
        WarmUp.privateConf(new SwarmConf())
            .set(SwarmConf.TRACKER_NEIGHBOURS, "2")
            .set(SwarmConf.COMPRESS, "none")
            .set(SwarmConf.DRIVER_SPARE_COPIES, "0");
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      WarmUp.Transfer got =
          WarmUp.transfer(conf, SecurityManager.insecure(), BYTES, EXECUTORS, nodes);
      System.out.printf(
          "neighbours: %.2f copies from the driver, %.2f from peers%n",
          got.fromDriverBytes() / (double) BYTES, got.fromPeersBytes() / (double) BYTES);
      assertThat(got.fromDriverBytes())
          .as("the driver sends far fewer than one copy each")
          .isLessThan(EXECUTORS * (long) BYTES / 2);
      assertThat(got.fromPeersBytes())
          .as("the rest from neighbours")
          .isGreaterThan(EXECUTORS * (long) BYTES / 2);
    }
  }
}
