package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.transport.Connection;
import io.swarmcast.transport.LoopbackConnections;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeliveryReceiptsTest {
  private LoopbackConnections net;
  private Connection a;
  private Connection b;

  @BeforeEach
  void connect() throws Exception {
    net = new LoopbackConnections();
    a = net.connect();
    b = net.connect();
  }

  @AfterEach
  void stop() {
    net.close();
  }

  @Test
  void aSlotIsHeldPastItsWriteUntilTheExecutorAnnouncesThatPiece() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    CompletableFuture<Void> write = new CompletableFuture<>();
    CompletableFuture<Void> slot = receipts.await(a, 7, 3, () -> write);

    write.complete(null);
    assertThat(slot).as("written, not yet announced").isNotDone();
    receipts.announced(b, 7, 3);
    receipts.announced(a, 7, 4);
    receipts.announced(a, 8, 3);
    assertThat(slot).as("another connection, piece or broadcast").isNotDone();
    receipts.announced(a, 7, 3);
    assertThat(slot).isCompleted();
    assertThat(receipts.pending()).isZero();
  }

  @Test
  void anAnnouncementThatOvertakesTheWriteStillCounts() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    CompletableFuture<Void> write = new CompletableFuture<>();
    CompletableFuture<Void> slot = receipts.await(a, 7, 3, () -> write);
    receipts.announced(a, 7, 3);
    assertThat(slot).as("the write has not completed yet").isNotDone();
    write.complete(null);
    assertThat(slot).isCompleted();
  }

  @Test
  void noAnnouncementFreesTheSlotAfterTheTimeout() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMillis(50));
    CompletableFuture<Void> slot = receipts.await(a, 7, 3, () -> CompletableFuture.completedFuture(null));
    assertThat(slot.orTimeout(10, TimeUnit.SECONDS).join()).isNull();
    assertThat(receipts.pending()).isZero();
  }

  @Test
  void aClosedConnectionOrAFailedWriteFreesItsSlots() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    CompletableFuture<Void> onA = receipts.await(a, 7, 3, () -> CompletableFuture.completedFuture(null));
    CompletableFuture<Void> onB = receipts.await(b, 7, 3, () -> CompletableFuture.completedFuture(null));
    receipts.closed(a);
    assertThat(onA).isCompleted();
    assertThat(onB).isNotDone();

    CompletableFuture<Void> failing = new CompletableFuture<>();
    CompletableFuture<Void> failed = receipts.await(b, 7, 4, () -> failing);
    failing.completeExceptionally(new RuntimeException("connection reset"));
    assertThat(failed).isCompletedExceptionally();
    assertThat(receipts.pending()).as("only b's piece 3 is still awaited").isEqualTo(1);
  }

  @Test
  void nothingSentHoldsNothing() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    assertThat(receipts.await(a, 7, 3, () -> null)).isNull();
    assertThat(receipts.pending()).isZero();
  }
}
