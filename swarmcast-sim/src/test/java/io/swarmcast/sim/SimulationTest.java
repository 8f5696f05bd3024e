package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.swarmcast.conf.SwarmConf;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Whole simulations, through the public API: what must hold whatever the model's constants. */
@Timeout(120)
class SimulationTest {
  private static final long MIB = 1 << 20;

  @Test
  void oneExecutorGetsOneCopyAtTheLinksPayloadRate() {
    SimResult r = new Simulation(Scenario.of(1, 64 * MIB, 100e6)).run();
    assertThat(r.finished()).isEqualTo(1);
    assertThat(r.lastRatio()).isCloseTo(1 / Scenario.DEFAULT_EFFICIENCY, offset(0.01));
    assertThat(r.driverCopies()).isCloseTo(1.0, offset(0.001)); // frames add 29 bytes a piece
    assertThat(r.peerDataBytes()).isZero();
  }

  @Test
  void theDriverSendsAboutOneCopyAndThePeersTheRest() {
    SimResult r = new Simulation(Scenario.of(8, 32 * MIB, 100e6)).run();
    assertThat(r.finished()).isEqualTo(8);
    assertThat(r.failed() + r.unfinished() + r.killed()).isZero();
    assertThat(r.driverCopies()).isBetween(1.0, 1.05);
    assertThat(r.peerDataBytes() / (double) (32 * MIB)).isBetween(6.9, 7.2);
    assertThat(r.lastRatio()).isBetween(1.0, 1.5);
    assertThat(r.locationsAnswered()).isGreaterThanOrEqualTo(8);
    assertThat(r.haveNotices())
        .as("with neighbours, the default, no notice passes through the driver")
        .isZero();
    assertThat(r.driverControlBytes()).isPositive();
    assertThat(r.maxConnections()).isBetween(2, 8); // the driver and up to 7 peers
  }

  @Test
  void noExecutorHoldsMorePiecesThanTheDriverHasSentAndAllEndWithEvery() {
    SimResult r = new Simulation(Scenario.of(40, 16 * MIB, 1e9)).run();
    List<SwarmProgress.Point> points = r.progress().points();
    assertThat(points).hasSizeGreaterThan(100); // a sample every 1/200 of size÷bandwidth
    SwarmProgress.Point previous = null;
    for (SwarmProgress.Point p : points) {
      assertThat(p.heldMin())
          .isLessThanOrEqualTo(p.heldP1())
          .isLessThanOrEqualTo(p.heldP50())
          .isLessThanOrEqualTo(p.heldP99())
          .isLessThanOrEqualTo(p.heldMax());
      assertThat(p.heldMax())
          .as("every piece starts at the driver, at %.6f s", p.seconds())
          .isLessThanOrEqualTo(p.driverPieces());
      assertThat(p.driverPieces()).isLessThanOrEqualTo(r.pieceCount());
      if (previous != null) {
        assertThat(p.seconds()).isGreaterThanOrEqualTo(previous.seconds());
        assertThat(p.heldMin()).as("nobody dies here").isGreaterThanOrEqualTo(previous.heldMin());
        assertThat(p.driverPieces()).isGreaterThanOrEqualTo(previous.driverPieces());
      }
      previous = p;
    }
    SwarmProgress.Point last = points.get(points.size() - 1);
    assertThat(last.executors()).isEqualTo(40);
    assertThat(last.heldMin()).isEqualTo(r.pieceCount());
    assertThat(last.driverPieces()).isEqualTo(r.pieceCount());
    double lastFetch = r.lastRatio() * r.scenario().idealSeconds();
    assertThat(last.seconds())
        .as("sampled when the last executor finished: its fetch began after it registered")
        .isBetween(lastFetch, lastFetch + 0.001);
    assertThat(points.get(points.size() / 3).heldP50())
        .as("a third of the way in, the swarm holds something and not yet everything")
        .isBetween(1, r.pieceCount() - 1);
  }

  @Test
  void theSameSeedGivesTheSameRunAndAnotherSeedAnotherOne() {
    // The seed picks who is slow and, with more executors than neighbours, who neighbours whom.
    Scenario s = Scenario.of(24, 8 * MIB, 100e6).withSlow(0.25, 4);
    SimResult a = new Simulation(s.withSeed(7)).run();
    SimResult b = new Simulation(s.withSeed(7)).run();
    SimResult c = new Simulation(s.withSeed(8)).run();
    assertThat(b.finishRatios()).containsExactly(a.finishRatios());
    assertThat(b.events()).isEqualTo(a.events());
    assertThat(c.finishRatios())
        .as("another seed, other random choices (who is slow)")
        .isNotEqualTo(a.finishRatios());
  }

  @Test
  void survivorsFinishWhenExecutorsDieMidBroadcast() {
    SimResult r = new Simulation(Scenario.of(12, 32 * MIB, 100e6).withKills(0.25, 0.5)).run();
    assertThat(r.killed()).isEqualTo(3);
    assertThat(r.finished()).isEqualTo(9);
    assertThat(r.failed() + r.unfinished()).isZero();
    // A closed connection fails its requests at once: nobody waits out the 10 s peer timeout (3.7 ×
    // here).
    assertThat(r.lastRatio()).isLessThan(2.0);
  }

  @Test
  void anExecutorThatComesAfterTheDriverLeftHasNoDriverToJoin() {
    SimResult r =
        new Simulation(
                Scenario.of(6, 8 * MIB, 1e9)
                    .withDriverDyingWhenSeeded(true)
                    .withLateJoiners(0.34, 20))
            .run();
    assertThat(r.finished()).isEqualTo(4);
    assertThat(r.failed()).isEqualTo(2);
    assertThat(r.unfinished()).isZero();
  }

  @Test
  void lateJoinersFinishCountedFromTheirJoin() {
    SimResult r = new Simulation(Scenario.of(8, 32 * MIB, 100e6).withLateJoiners(0.25, 0.5)).run();
    assertThat(r.finished()).isEqualTo(8);
    // A late joiner finds most pieces on peers already: it needs about one size÷bandwidth from its
    // join.
    assertThat(r.lastRatio()).isBetween(1.0, 1.6);
  }

  @Test
  void slowExecutorsAreMeasuredAgainstTheirOwnLinks() {
    SimResult r = new Simulation(Scenario.of(10, 16 * MIB, 100e6).withSlow(0.2, 10)).run();
    assertThat(r.finished()).isEqualTo(10);
    assertThat(r.slowLastRatio()).isGreaterThanOrEqualTo(1.0);
    assertThat(r.fastLastRatio()).isGreaterThanOrEqualTo(1.0);
  }

  /**
   * The emulated cluster's one slow-link shape (bench --slow-executors 1 --slow-rate 10mbit): the
   * fast peers left the slow receiver's last connection a rounding error's rate, whose event
   * wrapped round to the past and fired forever, so this run never ended. A timeout on its own
   * thread fails the test instead of waiting on a loop that never looks at interrupts.
   */
  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the loop never yields
  void oneExecutorOnALinkATenthAsFastFinishesWithTheOthers() {
    SimResult r = new Simulation(Scenario.of(8, 64 * MIB, 100e6).withSlow(0.125, 10)).run();
    assertThat(r.finished()).isEqualTo(8);
    assertThat(r.unfinished() + r.failed()).isZero();
    assertThat(r.slowLastRatio()).isBetween(1.0, 1.3);
    assertThat(r.fastLastRatio()).isBetween(1.0, 1.5);
  }

  @Test
  void executorsFinishFromEachOtherWhenTheDriverDiesOnceTheSwarmIsSeeded() {
    SimResult r =
        new Simulation(Scenario.of(6, 32 * MIB, 100e6).withDriverDyingWhenSeeded(true)).run();
    assertThat(r.seededRatio()).isPositive();
    assertThat(r.finished()).isEqualTo(6);
    assertThat(r.failed() + r.unfinished()).isZero();
    assertThat(r.driverCopies()).isLessThanOrEqualTo(1.05);
  }

  /**
   * More executors than neighbours: the last pieces the driver sent are on executors that most
   * others do not neighbour. They must ask again and find them, not fail the moment the driver
   * goes, and get them through their neighbours.
   */
  @Test
  void executorsBeyondTheirNeighboursFinishWhenTheDriverDiesOnceTheSwarmIsSeeded() {
    SimResult r =
        new Simulation(Scenario.of(100, 16 * MIB, 10e9).withDriverDyingWhenSeeded(true)).run();
    assertThat(r.seededRatio()).isPositive();
    assertThat(r.failed() + r.unfinished()).isZero();
    assertThat(r.finished()).isEqualTo(100);
    // Those pieces spread through the neighbours, not from their one holder to everyone: fetching
    // from every holder named connected all 100 executors to each (100 connections, 2.1 x).
    assertThat(r.maxConnections()).isLessThanOrEqualTo(64);
  }

  @Test
  void aDriverFasterThanTheExecutorsSeedsTheSwarmAtTheirCombinedRate() {
    // The driver at 400 Mbit/s, 3 executors at 50: every piece can be out of the driver once the
    // executors' combined download (150 Mbit/s) has carried one copy, a third of size ÷ bandwidth.
    // Executors that also fetched from each other from the start gave the driver a third of each
    // link, and the swarm was seeded only at 1.06 × size ÷ bandwidth.
    SimResult r =
        new Simulation(Scenario.of(3, 64 * MIB, 50e6).withDriverRate(400e6).withSeed(2)).run();
    double ideal = 1.0 / 3;
    assertThat(r.seededRatio()).isLessThanOrEqualTo(1.3 * ideal);
    assertThat(r.finished()).isEqualTo(3);
    assertThat(r.driverCopies()).isLessThanOrEqualTo(1.01);
  }

  @Test
  void executorsAtTheDriversRateKeepFetchingFromEachOther() {
    // The driver's own link is the bottleneck: holding peers back would only slow everyone.
    SimResult r = new Simulation(Scenario.of(8, 32 * MIB, 100e6)).run();
    assertThat(r.lastRatio()).isLessThan(1.15);
    assertThat(r.seededRatio()).isGreaterThan(0.9); // one copy through the driver's link
  }

  @Test
  void theBroadcastIsCutAsARealDriverCutsIt() {
    // 128 MiB to 8 executors: 128 pieces per executor, so 128 KiB pieces (1,024 of them, the ramp
    // included).
    SimResult r = new Simulation(Scenario.of(8, 128 * MIB, 1e9).withConf(new SwarmConf())).run();
    assertThat(r.pieceCount()).isEqualTo(1024);
    assertThat(r.pieceBytes()).isEqualTo(128 << 10);
  }

  @Test
  void badScenariosAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Scenario.of(0, MIB, 1e9))
        .hasMessageContaining("executors must be at least 1");
    assertThatThrownBy(() -> Scenario.of(1, MIB, 1e9).withSlow(1.5, 10))
        .hasMessageContaining("fractions must be in [0, 1]");
    assertThatThrownBy(() -> Scenario.of(1, MIB, 1e9).withEfficiency(0))
        .hasMessageContaining("efficiency");
  }
}
