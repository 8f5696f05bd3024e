package io.swarmcast.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.PeerPieces;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KnownHoldersTest {
  @Test
  void eachHolderIsAddedOnceAndListedInTheOrderLearnedThroughManyGrowths() {
    KnownHolders known = new KnownHolders();
    Random random = new Random(3);
    List<Integer> firstSeen = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      int id = 1 + random.nextInt(2_000);
      PeerPieces p = known.getOrAdd(new PeerAddress(id, "10.0.0." + (id % 250), 7000 + id));
      if (!firstSeen.contains(id)) {
        firstSeen.add(id);
      }
      assertThat(p.peer().id()).isEqualTo(id);
      p.pieces().set(i % 64);
    }
    assertThat(known.inOrder()).extracting(h -> h.peer().id()).containsExactlyElementsOf(firstSeen);
    PeerPieces again = known.getOrAdd(new PeerAddress(firstSeen.get(0), "elsewhere", 1));
    assertThat(again.peer().host())
        .as("the holder first learned is kept")
        .isNotEqualTo("elsewhere");
    assertThat(again.pieces().isEmpty()).isFalse();
  }

  @Test
  void theListIsACopy() {
    KnownHolders known = new KnownHolders();
    known.getOrAdd(new PeerAddress(7, "h", 1));
    known.inOrder().clear();
    assertThat(known.inOrder()).hasSize(1);
  }
}
