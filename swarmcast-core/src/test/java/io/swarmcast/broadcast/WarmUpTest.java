package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WarmUpTest {
  @Test
  void noneUnlessAsked() {
    assertThat(WarmUp.run(new SwarmConf(), SecurityManager.insecure())).isFalse();
  }

  @Test
  void thePrivateBroadcastArrivesAndLeavesNoThreadsBehind() throws Exception {
    Set<String> before = swarmcastThreads();
    SwarmConf conf = new SwarmConf().set(SwarmConf.NODE_WARM_UP_BYTES, "2m");
    assertThat(WarmUp.run(conf, SecurityManager.insecure())).isTrue();
    // Event loops end asynchronously after stop: wait for them to end.
    await("the warm-up's threads ended")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(swarmcastThreads()).isSubsetOf(before));
  }

  @Test
  void thePrivateExecutorsServeEachOtherInSmallPieces() throws Exception {
    SwarmConf conf = WarmUp.privateConf(new SwarmConf());
    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(WarmUp.PIECE_BYTES);
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      // 8 MiB: above spareCopyBytes, so the driver sends each piece once and the executors must
      // trade.
      long betweenExecutors =
          WarmUp.transfer(conf, SecurityManager.insecure(), 8 << 20, WarmUp.EXECUTORS, nodes)
              .fromPeersBytes();
      assertThat(betweenExecutors).isPositive();
      assertThat(nodes.size()).isEqualTo(1 + WarmUp.EXECUTORS);
    }
  }

  @Test
  void aNodeStartedAfterTheWarmUpGaveUpIsClosedAtOnce() {
    List<String> closed = new ArrayList<>();
    WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes();
    nodes.add(() -> closed.add("driver"));
    nodes.add(() -> closed.add("executor"));
    nodes.close();
    assertThat(closed).containsExactly("executor", "driver");
    nodes.add(() -> closed.add("late executor"));
    assertThat(closed).containsExactly("executor", "driver", "late executor");
    assertThat(nodes.size()).isZero();
  }

  @Test
  void itUsesTheNodesSecretAndThenTheNodeStarts() {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.NODE_WARM_UP_BYTES, "1m")
            .set(SwarmConf.AUTH_SECRET, "s3cret-for-warm-up");
    SecurityManager security = new SecurityManager(conf);
    assertThat(WarmUp.run(conf, security)).isTrue();
    try (BroadcastManager driver =
        new BroadcastManager(true, conf.copy().set(SwarmConf.DRIVER_PORT, "0"), security)) {
      Broadcast<String> b = driver.newBroadcast("after the warm-up", false);
      assertThat(b.value()).isEqualTo("after the warm-up");
    }
  }

  private static Set<String> swarmcastThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("swarmcast-"))
        .collect(Collectors.toSet());
  }
}
