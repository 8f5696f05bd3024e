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
  void aPieceIsInFlightPastItsWriteUntilTheExecutorAnnouncesIt() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    CompletableFuture<Boolean> receipt = receipts.expect(a, 7, 3);
    receipts.written(a, 7, 3, receipt, null);
    assertThat(receipt).as("written, not yet announced").isNotDone();
    receipts.announced(b, 7, 3);
    receipts.announced(a, 7, 4);
    receipts.announced(a, 8, 3);
    assertThat(receipt).as("another connection, piece or broadcast").isNotDone();
    receipts.announced(a, 7, 3);
    assertThat(receipt).isCompletedWithValue(true);
    assertThat(receipts.pending()).isZero();
  }

  @Test
  void anAnnouncementThatOvertakesTheWriteCompletionStillCounts() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    CompletableFuture<Boolean> receipt = receipts.expect(a, 7, 3);
    receipts.announced(a, 7, 3);
    assertThat(receipt).isCompleted();
    receipts.written(a, 7, 3, receipt, null);
    assertThat(receipts.pending()).isZero();
  }

  @Test
  void noAnnouncementCountsAsComeAfterTheTimeout() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMillis(50));
    CompletableFuture<Boolean> receipt = receipts.expect(a, 7, 3);
    receipts.written(a, 7, 3, receipt, null);
    assertThat(receipt.orTimeout(10, TimeUnit.SECONDS).join()).as("not announced").isFalse();
    assertThat(receipts.pending()).isZero();
  }

  @Test
  void aClosedConnectionOrAFailedWriteEndsItsReceipts() {
    DeliveryReceipts receipts = new DeliveryReceipts(Duration.ofMinutes(1));
    CompletableFuture<Boolean> onA = receipts.expect(a, 7, 3);
    CompletableFuture<Boolean> onB = receipts.expect(b, 7, 3);
    receipts.closed(a);
    assertThat(onA).isCompletedWithValue(false);
    assertThat(onB).isNotDone();

    CompletableFuture<Boolean> failed = receipts.expect(b, 7, 4);
    receipts.written(b, 7, 4, failed, new RuntimeException("connection reset"));
    assertThat(failed).isCompletedWithValue(false);
    assertThat(receipts.pending()).as("only b's piece 3 is still awaited").isEqualTo(1);
  }
}
