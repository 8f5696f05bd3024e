package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The id index against a {@code LinkedHashMap}: the same lookups and the same order. */
@Timeout(10)
class IdIndexTest {
  @Test
  void agreesWithAnInsertionOrderedMapThroughAddsRemovalsAndGrowth() {
    Random random = new Random(3);
    IdIndex<PeerTable.Peer> index = new IdIndex<>();
    Map<Integer, PeerTable.Peer> reference = new LinkedHashMap<>();
    for (int op = 0; op < 20_000; op++) {
      int id = random.nextInt(3_000) - 100; // negative and zero ids too
      if (random.nextInt(4) == 0) {
        assertThat(index.remove(id)).isSameAs(reference.remove(id));
      } else if (!reference.containsKey(id)) {
        PeerTable.Peer p = new PeerTable.Peer(new PeerAddress(id, "10.0.0.1", 7000));
        index.add(id, p);
        reference.put(id, p);
      }
      int probe = random.nextInt(3_000) - 100;
      assertThat(index.get(probe)).isSameAs(reference.get(probe));
    }
    assertThat(index.size()).isEqualTo(reference.size());
    assertThat(index.values()).containsExactlyElementsOf(new ArrayList<>(reference.values()));
    List<PeerTable.Peer> values = index.values();
    assertThat(values).isUnmodifiable();
  }
}
