package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The peer table's count of busy peers, kept as requests start and end, against a recount. */
@Timeout(10)
class PeerTableTest {
  @Test
  void busyPeersFollowRequestsEndsAndBans() {
    PeerTable peers = new PeerTable(8);
    OutstandingRequests requests = new OutstandingRequests(8, peers);
    PeerAddress a = new PeerAddress(1, "10.0.0.1", 7000);
    PeerAddress b = new PeerAddress(2, "10.0.0.2", 7000);
    peers.add(a, 0);
    peers.add(a, 1);
    peers.add(b, 2);
    assertThat(peers.busyPeers()).isZero();

    long a0 = requests.toPeer(peers.get(1), 0, 0);
    long a1 = requests.toPeer(peers.get(1), 1, 0);
    long b2 = requests.toPeer(peers.get(2), 2, 0);
    assertThat(peers.busyPeers()).isEqualTo(2);

    requests.end(a0);
    assertThat(peers.busyPeers()).as("a still has one request out").isEqualTo(2);
    requests.end(a1);
    assertThat(peers.busyPeers()).isEqualTo(1);

    peers.ban(2); // with its request still out
    assertThat(peers.busyPeers()).isZero();
    requests.end(b2);
    assertThat(peers.busyPeers()).as("a banned peer's late end counts nothing").isZero();
  }
}
