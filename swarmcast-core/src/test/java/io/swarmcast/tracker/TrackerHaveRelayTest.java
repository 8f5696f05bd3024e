package io.swarmcast.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Have notices as the tracker sends them (through a recording {@link NoticeSender}; the driver's
 * connections are not the tracker's business): who is told, and that only a piece's first holders
 * are relayed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TrackerHaveRelayTest {
  private static final long ID = 9;
  private final RecordingNoticeSender notices = new RecordingNoticeSender();
  private final Tracker tracker = new Tracker(notices);

  private int[] subscribedExecutors(int n) {
    tracker.addBroadcast(ID, 8, true);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = tracker.register("10.0.0." + (i + 1), 7000 + i).id();
      tracker.locations(1, ids[i], ID).orElseThrow();
    }
    return ids;
  }

  private List<Have> haves() {
    return notices.notices();
  }

  @Test
  void onlyTheFirstHoldersOfAPieceAreRelayedToTheOtherSubscribers() throws Exception {
    int[] e = subscribedExecutors(4);
    tracker.announce(e[0], ID, 0);
    tracker.announce(e[1], ID, 0);
    tracker.announce(e[2], ID, 0); // a third holder: recorded, not relayed
    tracker.announce(e[2], ID, 5); // its first piece 5: relayed to the three others

    List<Have> got = haves();

    assertThat(got).hasSize(9);
    assertThat(got)
        .filteredOn(h -> h.piece() == 0)
        .extracting(Have::executorId)
        .containsExactlyInAnyOrder(e[0], e[0], e[0], e[1], e[1], e[1]);
    assertThat(got)
        .filteredOn(h -> h.piece() == 5)
        .extracting(Have::executorId)
        .containsOnly(e[2])
        .hasSize(3);
    assertThat(got)
        .filteredOn(h -> h.executorId() == e[2])
        .extracting(Have::host, Have::port)
        .containsOnly(Tuple.tuple("10.0.0.3", 7002));
    // The tracker still knows the third holder: Locations list it.
    assertThat(tracker.locations(2, e[3], ID).orElseThrow().holders()).hasSize(3);
  }

  @Test
  void anExecutorHoldingEveryPieceIsToldNoMore() throws Exception {
    int[] e = subscribedExecutors(3);
    tracker.addBroadcast(ID + 1, 1, true);
    tracker.locations(2, e[0], ID + 1).orElseThrow(); // e[0] follows a second broadcast too
    for (int p = 0; p < 8; p++) {
      tracker.announce(e[0], ID, p); // relayed to e[1] and e[2]; e[0] now holds every piece
    }
    for (int p = 0; p < 8; p++) {
      tracker.announce(e[1], ID, p); // each piece's second holder: relayed to e[2] alone
    }
    tracker.announce(e[1], ID + 1, 0); // to e[0], after anything else the tracker sent it

    List<RecordingNoticeSender.Sent> got = notices.sent();
    int toFirst =
        got.stream()
            .filter(r -> r.notice().broadcastId() == ID + 1)
            .map(RecordingNoticeSender.Sent::to)
            .findFirst()
            .orElseThrow();
    assertThat(toFirst).isEqualTo(e[0]);
    assertThat(got)
        .filteredOn(r -> r.to() == toFirst && r.notice().broadcastId() == ID)
        .as("notices of broadcast %d sent to the executor that holds all of it", ID)
        .isEmpty();
    assertThat(got).hasSize(25);
    assertThat(tracker.subscribers(ID)).isEqualTo(1);
    tracker
        .locations(3, e[0], ID)
        .orElseThrow(); // a late question (a relocation sent before its last piece)
    assertThat(tracker.subscribers(ID))
        .as("a holder of every piece is not subscribed again")
        .isEqualTo(1);
  }

  @Test
  void aHolderIsRelayedAgainOnceEarlierHoldersAreGone() throws Exception {
    int[] e = subscribedExecutors(4);
    tracker.announce(e[0], ID, 0);
    tracker.announce(e[1], ID, 0);
    assertThat(haves()).hasSize(6);
    tracker.unregister(e[0]);
    tracker.unregister(e[1]);

    tracker.announce(e[2], ID, 0); // holders now: e[2] only
    tracker.announce(e[3], ID, 0); // and e[3]: the second holder, relayed

    List<Have> got = haves();
    assertThat(got).hasSize(8);
    assertThat(got.subList(6, 8))
        .extracting(Have::executorId)
        .containsExactlyInAnyOrder(e[2], e[3]);
  }

  @Test
  void withNeighboursTheTrackerRelaysNothingAndNamesKRandomOthers() {
    RecordingNoticeSender sender = new RecordingNoticeSender();
    Tracker t = new Tracker(sender, new SplittableRandom(3), 3);
    t.addBroadcast(7, 4, true);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(t.register("10.0.0." + i, 7000 + i).id());
    }
    Locations first = t.locations(1, ids.get(0), 7).orElseThrow();
    Assertions.assertThat(first.holders())
        .hasSize(3)
        .allSatisfy(h -> Assertions.assertThat(h.executorId()).isNotEqualTo(ids.get(0)).isIn(ids));
    Assertions.assertThat(first.holders().stream().map(h -> h.executorId()).distinct()).hasSize(3);
    Assertions.assertThat(first.pieceCount())
        .as("names only: the neighbours say what they hold")
        .isZero();
    Assertions.assertThat(first.encodedLength()).isLessThan(3 * 30 + 30);
    t.announce(ids.get(1), 7, 0);
    t.announce(ids.get(2), 7, 0);
    Assertions.assertThat(sender.sent()).as("no relay").isEmpty();
    Set<Integer> named = new HashSet<>();
    for (int q = 0; q < 20; q++) {
      t.locations(1, ids.get(0), 7).orElseThrow().holders().forEach(h -> named.add(h.executorId()));
    }
    Assertions.assertThat(named).as("drawn at random, not always the same").hasSizeGreaterThan(3);
    Assertions.assertThat(t.isSeeded(7)).as("announcements are still recorded").isFalse();
  }

  @Test
  void neighboursAreDrawnFromTheRegisteredEvenWhenMostIdsAreGone() {
    Tracker t = new Tracker(new RecordingNoticeSender(), new SplittableRandom(5), 4);
    t.addBroadcast(7, 4, true);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(t.register("10.0.0." + i, 7000 + i).id());
    }
    List<Integer> alive = ids.subList(0, 6);
    for (int id : ids.subList(6, 100)) {
      t.unregister(id);
    }
    for (int q = 0; q < 20; q++) {
      List<Integer> named =
          t.locations(1, alive.get(0), 7).orElseThrow().holders().stream()
              .map(h -> h.executorId())
              .toList();
      Assertions.assertThat(named)
          .hasSize(4)
          .doesNotHaveDuplicates()
          .allSatisfy(id -> Assertions.assertThat(id).isIn(alive.subList(1, 6)));
    }
  }
}
