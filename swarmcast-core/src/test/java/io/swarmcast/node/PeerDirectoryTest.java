package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.MemoryPieceStore;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.LoopbackConnections;
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
    PeerDirectory directory = new PeerDirectory();
    Locations early = directory.answer(1, 42, SELF, blocks, asker);
    assertThat(early.holders()).singleElement().satisfies(h -> {
      assertThat(h.executorId()).isEqualTo(SELF.id());
      assertThat(h.pieces().isEmpty()).isTrue();
    });
    assertThat(directory.heldBroadcasts()).as("asked about, not held").isEmpty();

    directory.fetching(42, 8);
    directory.stored(42, new Have(42, 3, SELF.id(), SELF.host(), SELF.port()));
    assertThat(net.awaitReceived(1)).extracting(LoopbackConnections.Received::message)
        .containsExactly(new Have(42, 3, SELF.id(), SELF.host(), SELF.port()));
    assertThat(directory.heldBroadcasts()).containsEntry(42L, 8);
  }

  @Test
  void questionsAboutBroadcastsNotFetchedAreBounded() {
    PeerDirectory directory = new PeerDirectory();
    for (long id = 0; id < PeerDirectory.MAX_PENDING; id++) {
      assertThat(directory.answer(1, id, SELF, blocks, asker)).isNotNull();
    }
    assertThat(directory.answer(1, 1_000, SELF, blocks, asker)).as("one too many").isNull();
    directory.forget(0);
    assertThat(directory.answer(1, 1_000, SELF, blocks, asker)).as("room again").isNotNull();
    directory.fetching(1, 4); // pending no more
    assertThat(directory.answer(1, 1_001, SELF, blocks, asker)).isNotNull();
  }
}
