package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The commands for a driver and two executors at 100 Mbit/s; nothing is run. */
class NetnsPlanTest {
  private final NetnsPlan plan = new NetnsPlan("swcb42-", 2, 100_000_000, 0);

  private static List<String> rendered(List<List<String>> cmds) {
    return cmds.stream().map(NetnsPlan::render).toList();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void namesAndAddresses() {
    assertThat(plan.bridgeNamespace()).isEqualTo("swcb42-br");
    assertThat(plan.namespaces())
        .containsExactly("swcb42-br", "swcb42-d", "swcb42-e1", "swcb42-e2");
    assertThat(plan.driver()).isEqualTo(new NetnsPlan.Host("swcb42-d", "10.77.0.1", "v-d"));
    assertThat(plan.executors())
        .extracting(NetnsPlan.Host::ip)
        .containsExactly("10.77.0.2", "10.77.0.3");
    assertThat(plan.driverEndpoint()).isEqualTo("10.77.0.1:7077");
    assertThat(NetnsPlan.prefixFor(1234)).isEqualTo("swcb1234-");
    assertThat(
            NetnsPlan.render(NetnsPlan.exec(plan.executors().get(1), List.of("java", "-version"))))
        .isEqualTo("ip netns exec swcb42-e2 java -version");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aFasterDriverGetsItsOwnRateAndTheExecutorsKeepTheirs() {
    List<String> setup =
        rendered(new NetnsPlan("swcb9-", 2, 50_000_000, 400_000_000, 0).setupCommands());
    assertThat(setup)
        .contains(
            "tc -n swcb9-d class add dev eth0 parent 1: classid 1:1 htb rate 400000000bit ceil 400000000bit burst 50000 cburst 50000 quantum 60000",
            "tc -n swcb9-e1 class add dev eth0 parent 1: classid 1:1 htb rate 50000000bit ceil 50000000bit burst 15140 cburst 15140 quantum 60000");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void theLastExecutorsGetTheSlowRateBothWaysAndTheOthersKeepTheirs() {
    List<String> setup =
        rendered(
            new NetnsPlan("swcb9-", 3, 100_000_000, 100_000_000, 0, 1, 10_000_000).setupCommands());
    for (String fast : List.of("d", "e1", "e2")) {
      String link =
          "tc -n swcb9-"
              + fast
              + " class add dev eth0 parent 1: classid 1:1 htb rate 100000000bit ceil 100000000bit ";
      assertThat(setup).anyMatch(c -> c.startsWith(link));
    }
    assertThat(setup)
        .anyMatch(
            c ->
                c.startsWith(
                    "tc -n swcb9-e3 class add dev eth0 parent 1: classid 1:1 htb rate 10000000bit ceil 10000000bit"))
        .anyMatch(
            c ->
                c.startsWith(
                    "tc -n swcb9-br class add dev v-e3 parent 1: classid 1:1 htb rate 10000000bit ceil 10000000bit"))
        .noneMatch(
            c ->
                c.startsWith(
                    "tc -n swcb9-e2 class add dev eth0 parent 1: classid 1:1 htb rate 10000000bit"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void refusesSlowExecutorsThatLeaveNoFastOne() {
    assertThatThrownBy(() -> new NetnsPlan("swcb1-", 2, 100_000_000, 100_000_000, 0, 2, 10_000_000))
        .hasMessageContaining("2 of 2");
    assertThatThrownBy(() -> new NetnsPlan("swcb1-", 2, 100_000_000, 100_000_000, 0, 1, 0))
        .hasMessageContaining("positive rate");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void buildsBridgeHostsAndLinks() {
    List<String> setup = rendered(plan.setupCommands());
    assertThat(setup.subList(0, 4))
        .containsExactly(
            "ip netns add swcb42-br",
            "ip -n swcb42-br link set lo up",
            "ip -n swcb42-br link add br0 type bridge",
            "ip -n swcb42-br link set br0 up");
    assertThat(setup.subList(4, 11))
        .containsExactly(
            "ip netns add swcb42-d",
            "ip -n swcb42-d link set lo up",
            "ip -n swcb42-br link add v-d type veth peer name eth0 netns swcb42-d",
            "ip -n swcb42-br link set v-d master br0",
            "ip -n swcb42-br link set v-d up",
            "ip -n swcb42-d addr add 10.77.0.1/24 dev eth0",
            "ip -n swcb42-d link set eth0 up");
    assertThat(setup).contains("ip -n swcb42-e2 addr add 10.77.0.3/24 dev eth0");
    // Every command stays in our namespaces: no interface is made or changed in the root namespace.
    assertThat(setup)
        .allSatisfy(
            c ->
                assertThat(c)
                    .containsPattern("^(ip netns add swcb42-|ip -n swcb42-|tc -n swcb42-)"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void shapesEgressPerDestinationOnTheHostEnd() {
    List<String> setup = rendered(plan.setupCommands());
    String link = "rate 100000000bit ceil 100000000bit burst 15140 cburst 15140 quantum 60000";
    String share = "rate 50000000bit ceil 100000000bit burst 15140 cburst 15140 quantum 60000";
    assertThat(setup)
        .containsSubsequence(
            "tc -n swcb42-d qdisc add dev eth0 root handle 1: htb",
            "tc -n swcb42-d class add dev eth0 parent 1: classid 1:1 htb " + link,
            "tc -n swcb42-d class add dev eth0 parent 1:1 classid 1:11 htb " + share,
            "tc -n swcb42-d qdisc add dev eth0 parent 1:11 handle 11: bfifo limit 262144",
            "tc -n swcb42-d filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 10.77.0.2/32 flowid 1:11",
            "tc -n swcb42-d class add dev eth0 parent 1:1 classid 1:12 htb " + share,
            "tc -n swcb42-d qdisc add dev eth0 parent 1:12 handle 12: bfifo limit 262144",
            "tc -n swcb42-d filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 10.77.0.3/32 flowid 1:12");
    // no class of a host for itself
    assertThat(setup).noneMatch(c -> c.startsWith("tc -n swcb42-d ") && c.contains("10.77.0.1/32"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void shapesIngressPerSourceOnTheBridgeEnd() {
    List<String> setup = rendered(plan.setupCommands());
    assertThat(setup)
        .containsSubsequence(
            "tc -n swcb42-br qdisc add dev v-e1 root handle 1: htb",
            "tc -n swcb42-br class add dev v-e1 parent 1: classid 1:1 htb rate 100000000bit ceil 100000000bit burst 15140 cburst 15140 quantum 60000",
            "tc -n swcb42-br class add dev v-e1 parent 1:1 classid 1:10 htb rate 50000000bit ceil 100000000bit burst 15140 cburst 15140 quantum 60000",
            "tc -n swcb42-br qdisc add dev v-e1 parent 1:10 handle 10: bfifo limit 262144",
            "tc -n swcb42-br filter add dev v-e1 parent 1: protocol ip prio 1 u32 match ip src 10.77.0.1/32 flowid 1:10",
            "tc -n swcb42-br filter add dev v-e1 parent 1: protocol ip prio 1 u32 match ip src 10.77.0.3/32 flowid 1:12");
    // 3 hosts x 2 directions x (qdisc + root class + 2 x (class, leaf, filter))
    assertThat(setup).filteredOn(c -> c.startsWith("tc ")).hasSize(3 * 2 * (2 + 2 * 3));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void oneExecutorGetsTheWholeLinkAndDelayUsesNetemOnTheHostSideOnly() {
    NetnsPlan delayed = new NetnsPlan("swcb7-", 1, 1_000_000_000, 1500);
    List<String> setup = rendered(delayed.setupCommands());
    assertThat(setup)
        .contains(
            "tc -n swcb7-d class add dev eth0 parent 1:1 classid 1:11 htb rate 1000000000bit ceil 1000000000bit burst 125000 cburst 125000 quantum 60000",
            "tc -n swcb7-d qdisc add dev eth0 parent 1:11 handle 11: netem delay 1500us limit 1000",
            "tc -n swcb7-br qdisc add dev v-e1 parent 1:10 handle 10: bfifo limit 2500000");
    assertThat(setup).filteredOn(c -> c.contains("netem")).hasSize(2);
    assertThat(NetnsPlan.render(NetnsPlan.netemProbe("swcb7-br")))
        .isEqualTo("tc -n swcb7-br qdisc add dev lo root netem delay 1ms");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void tearsDownOnlyItsOwnNamespacesBridgeLast() {
    assertThat(rendered(plan.teardownCommands()))
        .containsExactly(
            "ip netns del swcb42-e2",
            "ip netns del swcb42-e1",
            "ip netns del swcb42-d",
            "ip netns del swcb42-br");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void recognisesOnlyItsExactNamingScheme() {
    assertThat(NetnsPlan.ownerPid("swcb1234-br")).isEqualTo(OptionalLong.of(1234));
    assertThat(NetnsPlan.ownerPid("swcb1234-d")).isEqualTo(OptionalLong.of(1234));
    assertThat(NetnsPlan.ownerPid("swcb1234-e16")).isEqualTo(OptionalLong.of(1234));
    for (String other :
        List.of(
            "swcb1234-e0",
            "swcb-d",
            "swcbx-d",
            "swcb1234-dx",
            "xswcb1234-d",
            "swcb1234-br0",
            "sc1234-d",
            "swcb1234-e",
            "swcb1234-",
            "swcb12 -d",
            "myns")) {
      assertThat(NetnsPlan.ownerPid(other)).as(other).isEmpty();
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void refusesImpossibleTopologies() {
    assertThatThrownBy(() -> new NetnsPlan("swcb1-", 0, 1_000_000, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NetnsPlan("swcb1-", 251, 1_000_000, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NetnsPlan("swcb1-", 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
