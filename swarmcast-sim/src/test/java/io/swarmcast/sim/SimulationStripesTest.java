package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.swarmcast.conf.SwarmConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stripe trees ({@code --stripes}), through the real scheduler and tracker: what must hold whatever
 * the model's constants.
 */
@Timeout(120)
class SimulationStripesTest {
  private static final long MIB = 1 << 20;

  private static Scenario trees(int executors) {
    SwarmConf conf = new SwarmConf().set(SwarmConf.FETCH_MAX_PER_PEER, "2");
    return Scenario.of(executors, 16 * MIB, 1e9).withStripes(2).withConf(conf);
  }

  @Test
  void everyExecutorFinishesWithOneCopyFromTheDriverAndFewConnections() {
    SimResult r = new Simulation(trees(60)).run();
    assertThat(r.finished()).isEqualTo(60);
    assertThat(r.driverCopies()).isCloseTo(1.0, offset(0.01));
    // two parents, at most two children and a stripe root's one neighbour besides, and the driver
    assertThat(r.maxConnections()).isLessThanOrEqualTo(8);
    assertThat(r.driverConnections()).as("every executor registers").isEqualTo(60);
  }

  @Test
  void theOrphansOfExecutorsThatDieTakeTheirStripesFromOthersAndARootsFromTheDriver() {
    for (long seed = 1; seed <= 3; seed++) {
      SimResult r = new Simulation(trees(60).withKills(0.1, 0.5).withSeed(seed)).run();
      assertThat(r.killed()).isEqualTo(6);
      assertThat(r.finished()).as("seed %d", seed).isEqualTo(54);
      assertThat(r.driverCopies())
          .as("the driver sends a lost root's fresh pieces to its orphans, each once")
          .isLessThan(1.1);
    }
  }

  @Test
  void slowExecutorsThatSaySoAreLeavesAndHoldTheFastOnesBackLessThanUnannounced() {
    Scenario slow = trees(60).withSlow(0.1, 10);
    SimResult unannounced = new Simulation(slow).run();
    SimResult declared = new Simulation(slow.withSlowDeclared(true)).run();
    assertThat(unannounced.finished()).isEqualTo(60);
    assertThat(declared.finished()).isEqualTo(60);
    assertThat(declared.fastLastRatio()).isLessThan(unannounced.fastLastRatio());
    assertThat(declared.fastLastRatio())
        .as("a slow leaf takes a little of its parent's upload; a slow inner node held its")
        .isLessThan(declared.slowLastRatio() * 2);
  }

  @Test
  void theSwarmFinishesFromItselfWhenTheDriverLeavesOnceSeeded() {
    SimResult r = new Simulation(trees(60).withDriverDyingWhenSeeded(true)).run();
    assertThat(r.finished()).isEqualTo(60);
  }
}
