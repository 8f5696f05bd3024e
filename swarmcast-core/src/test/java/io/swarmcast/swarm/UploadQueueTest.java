package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upload-slot policy on its own: slots, order, the per-requester bound and the waiting bound.
 */
@Timeout(10)
class UploadQueueTest {
  @Test
  void slotsRunInOrderAndTheNextStartsWhenOneFinishes() {
    UploadQueue<String, String> q = new UploadQueue<>(2, 10, 10);
    assertThat(q.offer("a", "a1")).isTrue();
    assertThat(q.offer("b", "b1")).isTrue();
    assertThat(q.offer("a", "a2")).isTrue();
    UploadQueue.Started<String, String> first = q.poll();
    UploadQueue.Started<String, String> second = q.poll();
    assertThat(first.upload()).isEqualTo("a1");
    assertThat(second.upload()).isEqualTo("b1");
    assertThat(q.poll()).as("both slots taken").isNull();
    assertThat(q.waiting()).isEqualTo(1);
    q.finished(first);
    assertThat(q.poll().upload()).isEqualTo("a2");
    assertThat(q.running()).isEqualTo(2);
  }

  @Test
  void noUploadStartsWhileTheUnconfirmedOnesAreAtTheirBoundWhateverSlotsAreFree() {
    UploadQueue<String, String> q = new UploadQueue<>(2, 10, 10, 3);
    for (String u : new String[] {"a1", "b1", "c1", "d1"}) {
      assertThat(q.offer(u.substring(0, 1), u)).isTrue();
    }
    UploadQueue.Started<String, String> a1 = q.poll();
    UploadQueue.Started<String, String> b1 = q.poll();
    q.finished(a1); // the sockets took both pieces at once
    q.finished(b1);
    assertThat(q.poll().upload()).isEqualTo("c1");
    assertThat(q.poll()).as("a free slot, but 3 pieces are unconfirmed").isNull();
    assertThat(q.unconfirmed()).isEqualTo(3);
    q.confirmed();
    assertThat(q.poll().upload()).isEqualTo("d1");
  }

  @Test
  void aRequesterAtItsMaximumAndAFullQueueAreRefused() {
    UploadQueue<String, Integer> q = new UploadQueue<>(1, 1, 2);
    assertThat(q.offer("a", 1)).isTrue();
    assertThat(q.offer("a", 2)).isTrue();
    assertThat(q.offer("a", 3)).as("a has its 2").isFalse();
    UploadQueue.Started<String, Integer> s = q.poll();
    assertThat(q.offer("b", 4)).as("one slot running, one waiting: full").isFalse();
    q.finished(s);
    assertThat(q.offer("b", 5)).isTrue();
  }

  @Test
  void badLimitsAreRefused() {
    assertThatThrownBy(() -> new UploadQueue<>(0, 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UploadQueue<>(1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UploadQueue<>(1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
