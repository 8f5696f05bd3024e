package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SlowPeersTest {
  private static final int PIECE = 128 * 1024;
  private static final long MS = 1_000_000;

  private final PeerTable peers = new PeerTable(64);
  private final SlowPeers slow = new SlowPeers();
  private final PeerAddress fast = new PeerAddress(1, "10.0.0.1", 7078);
  private final PeerAddress tenTimesSlower = new PeerAddress(2, "10.0.0.2", 7078);

  private PeerTable.Peer known(PeerAddress a, int piece) {
    peers.add(a, piece);
    return peers.get(a.id());
  }

  @Test
  void aPeerServingTenTimesSlowerThanTheOthersIsJudgedSlowFromItsSecondPiece() {
    PeerTable.Peer f = known(fast, 0);
    PeerTable.Peer s = known(tenTimesSlower, 0);
    for (int i = 0; i < 8; i++) {
      assertThat(slow.served(peers, f, PIECE, MS)).isFalse();
    }
    assertThat(slow.served(peers, s, PIECE, 10 * MS)).as("one piece is not enough").isFalse();
    for (int i = 0; i < 8; i++) {
      slow.served(peers, f, PIECE, MS);
    }
    assertThat(slow.served(peers, s, PIECE, 10 * MS)).isTrue();
    assertThat(peers.isSlow(tenTimesSlower.id())).isTrue();
    assertThat(peers.isSlow(fast.id())).isFalse();
    assertThat(peers.anySlow()).isTrue();

    // It serves at the others' pace again: no longer slow.
    slow.served(peers, s, PIECE, MS);
    slow.served(peers, s, PIECE, MS);
    assertThat(peers.isSlow(tenTimesSlower.id())).isFalse();
    assertThat(peers.anySlow()).isFalse();
  }

  @Test
  void aPeerBusyWithAFewUploadsIsNotSlow() {
    PeerTable.Peer f = known(fast, 0);
    PeerTable.Peer busy = known(tenTimesSlower, 0);
    for (int i = 0; i < 8; i++) {
      slow.served(peers, f, PIECE, MS);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(slow.served(peers, busy, PIECE, 3 * MS)).isFalse();
    }
  }

  @Test
  void aSlowPeerIsAskedOnlyWhenNoOtherHolderCanBe() {
    PeerTable.Peer s = known(tenTimesSlower, 5);
    known(fast, 5);
    s.slowToServe = true;
    peers.judged(s);
    PeerSelector anyOne = PeerSelector.leastLoaded(new Random(1));
    for (int i = 0; i < 20; i++) {
      assertThat(peers.choose(5, 0, PeerTable.NO_PEER, 1, anyOne).address).isEqualTo(fast);
    }
    assertThat(peers.choose(5, 0, fast.id(), 1, anyOne).address).isEqualTo(tenTimesSlower);
    // Its pieces count as servable only when asked with the slow ones.
    known(tenTimesSlower, 9);
    assertThat(peers.servable(0, 1, DriverPriority.UNLIMITED, false).get(9)).isFalse();
    assertThat(peers.servable(0, 1, DriverPriority.UNLIMITED, true).get(9)).isTrue();
  }

  @Test
  void aNeighbourHoldingFarFewerPiecesThanTheOthersLags() {
    PeerAddress a = new PeerAddress(3, "10.0.0.3", 7078);
    for (int i = 0; i < 40; i++) {
      peers.add(fast, i);
      peers.add(a, i);
    }
    peers.add(tenTimesSlower, 0);
    assertThat(slow.judgeLag(peers, List.of(1, 2, 3))).isTrue();
    assertThat(peers.isSlow(tenTimesSlower.id())).isTrue();

    for (int i = 1; i < 20; i++) {
      peers.add(tenTimesSlower, i);
    }
    assertThat(slow.judgeLag(peers, List.of(1, 2, 3))).isFalse();
    assertThat(peers.isSlow(tenTimesSlower.id())).as("caught up").isFalse();
  }

  @Test
  void noLagIsJudgedWhileNeighboursHoldFewPieces() {
    for (int i = 0; i < 6; i++) {
      peers.add(fast, i);
    }
    peers.add(tenTimesSlower, 0);
    assertThat(slow.judgeLag(peers, List.of(1, 2))).isFalse();
    assertThat(peers.anySlow()).isFalse();
  }
}
