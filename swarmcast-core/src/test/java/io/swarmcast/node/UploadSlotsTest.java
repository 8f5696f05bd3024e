package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swarmcast.transport.Connection;
import io.swarmcast.transport.LoopbackConnections;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UploadSlotsTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** No bound on uploads waiting for a slot, as on the driver. */
  private static final int UNBOUNDED = Integer.MAX_VALUE;

  private LoopbackConnections net;
  private Connection a;
  private Connection b;
  private final List<String> started = new ArrayList<>();
  private final List<CompletableFuture<Void>> writes = new ArrayList<>();

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

  /** An upload that records its start and whose write completes when the test says so. */
  private UploadSlots.Upload upload(String name) {
    return () -> {
      started.add(name);
      CompletableFuture<Void> w = new CompletableFuture<>();
      writes.add(w);
      return w;
    };
  }

  @Test
  void runsAtMostSlotsAtOnceAndStartsTheRestInOrderAsWritesFinish() {
    UploadSlots slots = new UploadSlots(2, UNBOUNDED, 10, MINUTE);
    for (String name : List.of("1", "2", "3", "4", "5")) {
      assertThat(slots.offer(name.compareTo("3") < 0 ? a : b, upload(name))).isTrue();
    }
    assertThat(started).containsExactly("1", "2");
    assertThat(slots.waiting()).isEqualTo(3);

    writes.get(1).complete(null);
    assertThat(started).containsExactly("1", "2", "3");
    writes
        .get(0)
        .completeExceptionally(
            new RuntimeException("connection reset")); // a failed write frees its slot too
    assertThat(started).containsExactly("1", "2", "3", "4");
    assertThat(slots.running()).isEqualTo(2);
    writes.get(2).complete(null);
    writes.get(3).complete(null);
    writes.get(4).complete(null);
    assertThat(started).containsExactly("1", "2", "3", "4", "5");
    assertThat(slots.running()).isZero();
    assertThat(slots.waiting()).isZero();
  }

  @Test
  void oneConnectionCannotQueueMoreThanItsShare() {
    UploadSlots slots = new UploadSlots(1, UNBOUNDED, 3, MINUTE);
    assertThat(slots.offer(a, upload("a1"))).isTrue();
    assertThat(slots.offer(a, upload("a2"))).isTrue();
    assertThat(slots.offer(a, upload("a3"))).isTrue();
    assertThat(slots.offer(a, upload("a4")))
        .as("a's fourth, while three are queued or running")
        .isFalse();
    assertThat(slots.offer(b, upload("b1"))).as("another connection still gets in").isTrue();

    writes.get(0).complete(null); // a1 done: a may queue one more
    assertThat(slots.offer(a, upload("a5"))).isTrue();
    assertThat(slots.waiting()).isEqualTo(3); // a3, b1, a5 behind a2
  }

  @Test
  void beyondMaxWaitingAnyAskerIsRefusedUntilAnUploadFinishes() {
    UploadSlots slots = new UploadSlots(2, 1, 10, MINUTE);
    assertThat(slots.offer(a, upload("a1"))).isTrue();
    assertThat(slots.offer(b, upload("b1"))).isTrue();
    assertThat(slots.offer(a, upload("a2"))).as("one may wait").isTrue();
    assertThat(slots.offer(b, upload("b2"))).as("a second may not, whoever asks").isFalse();
    assertThat(started).containsExactly("a1", "b1");

    writes.get(0).complete(null); // a1 done: a2 takes its slot, and one may wait again
    assertThat(started).containsExactly("a1", "b1", "a2");
    assertThat(slots.offer(b, upload("b3"))).isTrue();
    assertThat(slots.offer(a, upload("a3"))).isFalse();
    assertThatThrownBy(() -> new UploadSlots(1, -1, 1, MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void uploadsThatSendNothingOrThrowFreeTheirSlotAtOnce() {
    UploadSlots slots = new UploadSlots(1, UNBOUNDED, 10, MINUTE);
    slots.offer(
        a,
        () -> {
          started.add("answered without a piece");
          return null;
        });
    slots.offer(
        a,
        () -> {
          started.add("threw");
          throw new IllegalStateException("boom");
        });
    slots.offer(
        a,
        () -> {
          started.add("already written");
          return CompletableFuture.completedFuture(null);
        });
    slots.offer(b, upload("last"));

    assertThat(started)
        .containsExactly("answered without a piece", "threw", "already written", "last");
    assertThat(slots.running()).isEqualTo(1);
  }

  @Test
  void uploadsForAClosedConnectionAreSkipped() throws Exception {
    UploadSlots slots = new UploadSlots(1, UNBOUNDED, 10, MINUTE);
    slots.offer(b, upload("b1"));
    slots.offer(a, upload("a1"));
    slots.offer(b, upload("b2"));
    a.close();
    a.closeFuture().get(5, TimeUnit.SECONDS);

    writes.get(0).complete(null);

    assertThat(started).containsExactly("b1", "b2");
  }

  @Test
  void limitsMustBePositive() {
    assertThatThrownBy(() -> new UploadSlots(0, UNBOUNDED, 1, MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UploadSlots(1, UNBOUNDED, 0, MINUTE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UploadSlots(1, UNBOUNDED, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWriteTheReceiverNeverTakesClosesItsConnectionAndFreesTheSlot() throws Exception {
    UploadSlots slots = new UploadSlots(1, UNBOUNDED, 10, Duration.ofMillis(200));
    CompletableFuture<Void> stuck = new CompletableFuture<>();
    slots.offer(
        a,
        () -> {
          started.add("stuck");
          a.closeFuture()
              .thenRun(
                  () ->
                      stuck.completeExceptionally(new IOException("closed"))); // as Netty fails it
          return stuck;
        });
    slots.offer(b, upload("next"));
    assertThat(started).containsExactly("stuck");

    a.closeFuture().get(5, TimeUnit.SECONDS);
    await("the next upload started in the freed slot")
        .atMost(Duration.ofSeconds(5))
        .until(() -> started.size() >= 2);
    assertThat(started).containsExactly("stuck", "next");
    assertThat(b.isActive()).as("only the stalled receiver's connection is closed").isTrue();
  }
}
