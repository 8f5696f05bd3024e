package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.FetchReport;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.tracker.Tracker;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's swarm JSON with 1,000 executors: a page holds only its executors, the counts hold
 * them all.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SwarmWatchTest {
  @Test
  void aPageOfSixtyFourOfAThousandExecutorsStaysSmallAndCountsEveryone() throws Exception {
    SwarmConf conf = new SwarmConf().set(SwarmConf.METRICS_JMX, "false");
    try (DriverNode driver = DriverNode.start(conf, SecurityManager.insecure())) {
      Tracker tracker = driver.tracker();
      int pieces = 1024;
      driver.registerBroadcast(7, pieces, 128L << 20, FetchMode.SWARM);
      for (int i = 0; i < 1000; i++) {
        int id = tracker.register("10.0." + (i / 250) + "." + (i % 250), 7000).id();
        BitSet held = new BitSet();
        held.set(0, i % 2 == 0 ? pieces : pieces / 2);
        tracker.announce(id, 7, held);
        if (i % 2 == 0) {
          driver
              .watch()
              .reported(
                  id,
                  new FetchReport(
                      7, 5_800_000_000L, 16L << 20, 0, "", Map.of(id + 1, 112L << 20), List.of()));
        }
      }
      String page = driver.swarmJson(0, 64);
      assertThat(page)
          .contains("\"executorCount\":1000")
          .contains("\"verified\":500")
          .contains("\"complete\":500")
          .contains("\"seeded\":true");
      assertThat(count(page, "\"state\":")).isEqualTo(64);
      assertThat(page.length()).as("a page of 64 executors' piece maps").isLessThan(64 * 600);
      String last = driver.swarmJson(960, 64);
      assertThat(count(last, "\"state\":")).as("the last page has the last 40").isEqualTo(40);
      assertThat(driver.swarmJson(5000, 64)).contains("\"executors\":[]");
    }
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
