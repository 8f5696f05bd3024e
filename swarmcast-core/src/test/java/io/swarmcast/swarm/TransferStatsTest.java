package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TransferStatsTest {
  @Test
  void totalsAddUpEveryBroadcastAndSurviveForget() {
    TransferStats stats = new TransferStats();
    stats.received(1, true, 100);
    stats.received(1, false, 30);
    stats.received(2, false, 7);
    stats.served(1, 40);
    stats.served(2, 2);
    stats.corrupt(2);
    stats.fetched(5_000);
    stats.fetched(1_000);

    stats.forget(1);
    stats.forget(2);

    assertThat(stats.of(1).fromDriverBytes()).isZero(); // per broadcast: gone with forget
    TransferStats.Totals t = stats.total();
    assertThat(t.fromDriverBytes()).isEqualTo(100);
    assertThat(t.fromPeersBytes()).isEqualTo(37);
    assertThat(t.servedBytes()).isEqualTo(42);
    assertThat(t.piecesServed()).isEqualTo(2);
    assertThat(t.corruptPieces()).isEqualTo(1);
    assertThat(t.fetches()).isEqualTo(2);
    assertThat(t.fetchNanos()).isEqualTo(6_000);
  }
}
