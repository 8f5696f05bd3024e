package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.MemoryPieceStore;
import io.swarmcast.swarm.NamedHolders;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.LoopbackConnections;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerDirectoryTest {
  private static final PeerAddress SELF = new PeerAddress(5, "10.0.0.5", 7005);
  private LoopbackConnections net;
  private Connection asker;
  private final BlockManager blocks = new BlockManager(new MemoryPieceStore());

  @BeforeEach
  void connect() throws Exception {
    net = new LoopbackConnections();
    asker = net.connect();
  }

  @AfterEach
  void stop() {
    blocks.close();
    net.close();
  }

  @Test
  void aNeighbourThatAsksBeforeTheFetchStartsHearsOfEveryPieceStoredAfterIt() throws Exception {
    PeerDirectory directory = new PeerDirectory(new Random(1));
    Locations early = directory.answer(1, 42, SELF, blocks, asker);
    assertThat(early.holders())
        .singleElement()
        .satisfies(
            h -> {
              assertThat(h.executorId()).isEqualTo(SELF.id());
              assertThat(h.pieces().isEmpty()).isTrue();
            });
    assertThat(directory.heldBroadcasts()).as("asked about, not held").isEmpty();

    directory.fetching(42, 8);
    directory.stored(42, new Have(42, 3, SELF.id(), SELF.host(), SELF.port()));
    assertThat(net.awaitReceived(1))
        .extracting(LoopbackConnections.Received::message)
        .containsExactly(new Have(42, 3, SELF.id(), SELF.host(), SELF.port()));
    assertThat(directory.heldBroadcasts()).containsEntry(42L, 8);
  }

  @Test
  void questionsAboutBroadcastsNotFetchedAreBounded() {
    PeerDirectory directory = new PeerDirectory(new Random(1));
    for (long id = 0; id < PeerDirectory.MAX_PENDING; id++) {
      assertThat(directory.answer(1, id, SELF, blocks, asker)).isNotNull();
    }
    assertThat(directory.answer(1, 1_000, SELF, blocks, asker)).as("one too many").isNull();
    directory.forget(0);
    assertThat(directory.answer(1, 1_000, SELF, blocks, asker)).as("room again").isNotNull();
    directory.fetching(1, 4); // pending no more
    assertThat(directory.answer(1, 1_001, SELF, blocks, asker)).isNotNull();
  }

  /** Askers are spread over every holder known, not all sent to the first few learned. */
  @Test
  void answersNameTheKnownHoldersFromARandomOneOnWithoutTheAnswererOrTheAsker() {
    PeerDirectory directory = new PeerDirectory(new Random(7));
    directory.fetching(42, 8);
    directory.learned(42, SELF, bits(0));
    directory.learned(42, new PeerAddress(asker.remoteNodeId(), "10.0.0.99", 7099), bits(1));
    for (int id = 100; id < 110; id++) {
      directory.learned(42, new PeerAddress(id, "10.0.1." + id, 7000 + id), bits(id % 8));
    }
    Set<Integer> firstNamed = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Locations answer = directory.answer(i, 42, SELF, blocks, asker);
      assertThat(answer.holders().get(0).executorId())
          .as("the answerer first")
          .isEqualTo(SELF.id());
      List<Integer> named =
          answer.holders().stream().skip(1).map(Locations.Holder::executorId).toList();
      assertThat(named)
          .as("every other holder known, once, neither the answerer nor the asker")
          .containsExactlyInAnyOrder(100, 101, 102, 103, 104, 105, 106, 107, 108, 109);
      firstNamed.add(named.get(0));
    }
    assertThat(firstNamed).as("each holder comes first for some askers").hasSize(10);
  }

  /**
   * However many holders it knows, an answer names a few: the asker uses a few, and answers that
   * named every holder known grew with the swarm.
   */
  @Test
  void anAnswerNamesAtMostAFewOfTheHoldersKnownAndAnswersSpreadOverThem() {
    PeerDirectory directory = new PeerDirectory(new Random(7));
    directory.fetching(42, 8);
    for (int id = 100; id < 1100; id++) {
      directory.learned(42, new PeerAddress(id, "10.0.1." + (id % 250), 7000), bits(id % 8));
    }
    Set<Integer> everNamed = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Locations answer = directory.answer(i, 42, SELF, blocks, asker);
      assertThat(answer.holders()).hasSize(1 + NamedHolders.MOST);
      answer.holders().stream().skip(1).forEach(h -> everNamed.add(h.executorId()));
    }
    assertThat(everNamed).as("answers spread over the holders known").hasSizeGreaterThan(500);
  }

  private static BitSet bits(int... set) {
    BitSet b = new BitSet();
    for (int i : set) {
      b.set(i);
    }
    return b;
  }
}
