package io.swarmcast.tracker;

import static io.swarmcast.TestData.bits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmcast.protocol.Locations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TrackerTest {
  private static final long ID = 7;

  private final Tracker tracker = new Tracker((executor, notice) -> {});

  @Test
  void theDriverSendsEveryPieceOnceBeforeAnyPieceTwice() {
    tracker.addBroadcast(ID, 10, true);
    Set<Integer> sent = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      int piece = tracker.choosePieceToSend(ID, 1 + i % 3, new BitSet(), false);
      assertThat(piece).isBetween(0, 9);
      assertThat(sent.add(piece))
          .as("piece %d sent twice within the first 10 sends", piece)
          .isTrue();
    }
    assertThat(sent).hasSize(10);
  }

  @Test
  void withoutDuplicatesTheEleventhRequestGetsNothing() {
    tracker.addBroadcast(ID, 10, true);
    for (int i = 0; i < 10; i++) {
      assertThat(tracker.choosePieceToSend(ID, 1 + i, new BitSet(), false)).isNotNegative();
    }
    assertThat(tracker.choosePieceToSend(ID, 11, new BitSet(), false)).isEqualTo(-1);
    assertThat(tracker.choosePieceToSend(ID, 12, new BitSet(), false)).isEqualTo(-1);
  }

  @Test
  void withDuplicatesAllowedTheEleventhRequestGetsAPieceAndSendsStayBalanced() {
    tracker.addBroadcast(ID, 10, true);
    for (int i = 0; i < 10; i++) {
      tracker.choosePieceToSend(ID, 1, new BitSet(), false);
    }
    assertThat(tracker.choosePieceToSend(ID, 2, new BitSet(), true)).isBetween(0, 9);
    // The second round also covers every piece once before any third send.
    Set<Integer> second = new HashSet<>();
    tracker.addBroadcast(ID + 1, 10, true);
    for (int i = 0; i < 10; i++) {
      tracker.choosePieceToSend(ID + 1, 1, new BitSet(), false);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(second.add(tracker.choosePieceToSend(ID + 1, 2 + i % 2, new BitSet(), true)))
          .isTrue();
    }
  }

  @Test
  void spareCopiesGoToExecutorsTheDriverHasNoFreshPieceForUntilTheyRunOut() {
    tracker.addBroadcast(ID, 2, true, 3);
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isEqualTo(0);
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isEqualTo(1);
    // Nothing fresh is left: the next three sends are spare copies, the least-sent piece first.
    assertThat(tracker.choosePieceToSend(ID, 2, new BitSet(), false)).isEqualTo(0);
    assertThat(tracker.choosePieceToSend(ID, 2, new BitSet(), false)).isEqualTo(1);
    assertThat(tracker.choosePieceToSend(ID, 3, new BitSet(), false)).isEqualTo(0);
    assertThat(tracker.choosePieceToSend(ID, 3, new BitSet(), false))
        .as("the spare copies are spent")
        .isEqualTo(-1);
    assertThat(tracker.choosePieceToSend(ID, 4, new BitSet(), false)).isEqualTo(-1);
    assertThat(tracker.choosePieceToSend(ID, 4, new BitSet(), true))
        .as("a stalled executor still gets a duplicate")
        .isNotNegative();
  }

  @Test
  void aSpareCopyIsNeverAPieceAlreadySentToThatExecutorNorOneItExcludes() {
    tracker.addBroadcast(ID, 3, true, 100);
    for (int i = 0; i < 3; i++) {
      tracker.choosePieceToSend(ID, 1, new BitSet(), false);
    }
    // Executor 1 asks again with nothing excluded (its requests cannot name pieces still in flight
    // to it).
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isEqualTo(-1);
    assertThat(tracker.choosePieceToSend(ID, 2, bits(0, 1), false)).isEqualTo(2);
    assertThat(tracker.choosePieceToSend(ID, 2, bits(0, 1), false)).isEqualTo(-1);
  }

  @Test
  void unpersistRestoresTheSpareCopies() {
    tracker.addBroadcast(ID, 1, true, 1);
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isZero();
    assertThat(tracker.choosePieceToSend(ID, 2, new BitSet(), false)).isZero();
    assertThat(tracker.choosePieceToSend(ID, 3, new BitSet(), false)).isEqualTo(-1);
    tracker.executorsDropped(ID);
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), false)).isZero();
    assertThat(tracker.choosePieceToSend(ID, 2, new BitSet(), false)).isZero();
    assertThat(tracker.choosePieceToSend(ID, 3, new BitSet(), false)).isEqualTo(-1);
  }

  @Test
  void aRefusedDuplicateIsNotCountedAsSent() {
    tracker.addBroadcast(ID, 2, true);
    tracker.choosePieceToSend(ID, 1, bits(1), false); // sends piece 0
    assertThat(tracker.choosePieceToSend(ID, 2, bits(1), false)).isEqualTo(-1);
    assertThat(tracker.choosePieceToSend(ID, 3, bits(1), false)).isEqualTo(-1);
    // Piece 1 was never sent, so it is still preferred over piece 0 (sent once).
    assertThat(tracker.choosePieceToSend(ID, 4, new BitSet(), false)).isEqualTo(1);
  }

  @Test
  void freshPiecesGoOutInOrderSoTheSmallFirstPiecesLeadTheWay() {
    tracker.addBroadcast(ID, 6, true);
    for (int i = 0; i < 6; i++) {
      assertThat(tracker.choosePieceToSend(ID, 1 + i, new BitSet(), false)).isEqualTo(i);
    }
  }

  @Test
  void anExecutorIsNotSentTheSamePieceTwiceUnlessItAsksForADuplicate() {
    tracker.addBroadcast(ID, 4, true);
    Set<Integer> got = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      // Its "any piece" requests cannot name pieces still in flight to it, so the driver must
      // remember them.
      assertThat(got.add(tracker.choosePieceToSend(ID, 7, new BitSet(), false))).isTrue();
    }
    assertThat(tracker.choosePieceToSend(ID, 7, new BitSet(), false)).isEqualTo(-1);
    // A stalled executor asks for a duplicate: a piece sent to it may have been lost (corrupt), so
    // it must be able to get it again, or its fetch would spin forever.
    BitSet held = bits(0, 1, 3);
    assertThat(tracker.choosePieceToSend(ID, 7, held, true)).isEqualTo(2);
    assertThat(tracker.choosePieceToSend(ID, 8, new BitSet(), true)).isBetween(0, 3);
  }

  @Test
  void piecesSentToALostExecutorThatNobodyHoldsAreFreshAgain() {
    tracker.addBroadcast(ID, 2, true);
    int lost = tracker.register("h1", 1).id();
    int other = tracker.register("h2", 2).id();
    assertThat(tracker.choosePieceToSend(ID, lost, new BitSet(), false)).isEqualTo(0);
    assertThat(tracker.choosePieceToSend(ID, lost, new BitSet(), false)).isEqualTo(1);
    tracker.announce(lost, ID, 1); // piece 1 arrived and was announced; piece 0 never did
    tracker.announce(other, ID, 1);

    tracker.unregister(lost);

    // Piece 0 is out nowhere: the driver sends it as fresh. Piece 1 is held by the other executor.
    assertThat(tracker.choosePieceToSend(ID, other, bits(1), false)).isEqualTo(0);
    assertThat(tracker.choosePieceToSend(ID, other + 1, new BitSet(), false)).isEqualTo(-1);
  }

  @Test
  void aBroadcastIsSeededOnceEveryPieceHasAHolderAndNotWhenTheOnlyHolderIsLost() {
    tracker.addBroadcast(ID, 3, true);
    int a = tracker.register("h1", 1).id();
    int b = tracker.register("h2", 2).id();
    assertThat(tracker.isSeeded(ID)).isFalse();
    tracker.announce(a, ID, 0);
    tracker.announce(b, ID, 0); // a second holder of piece 0 is not a new piece
    tracker.announce(b, ID, 1);
    assertThat(tracker.isSeeded(ID)).as("piece 2 on nobody").isFalse();
    tracker.announce(a, ID, 2);
    assertThat(tracker.isSeeded(ID)).isTrue();

    tracker.unregister(b); // piece 1's only holder
    assertThat(tracker.isSeeded(ID)).isFalse();
    tracker.announce(a, ID, 1);
    assertThat(tracker.isSeeded(ID)).isTrue();

    tracker.executorsDropped(ID); // unpersist
    assertThat(tracker.isSeeded(ID)).isFalse();
    assertThat(tracker.isSeeded(ID + 1)).as("unknown broadcast").isFalse();
  }

  @Test
  void aLocationsReplyStaysSmallWhateverThePieceCount() {
    int pieces = 1 << 22; // 16 TiB at 4 MiB pieces: 512 KiB of bit set per holder
    tracker.addBroadcast(ID, pieces, true);
    for (int i = 0; i < 10; i++) {
      int e = tracker.register("10.0.0." + i, 7000 + i).id();
      tracker.announce(e, ID, pieces - 1);
    }
    Locations reply = tracker.locations(1, 999, ID).orElseThrow();
    assertThat(reply.holders()).isNotEmpty().hasSizeLessThan(10);
    assertThat(reply.encodedLength()).isLessThanOrEqualTo(Tracker.LOCATIONS_MAX_BYTES + 64);
  }

  @Test
  void aSeededTrackerListsTheSameWindowOfHoldersEveryRun() {
    // A long reply lists a window of holders starting at a random one: the injected chance decides
    // which.
    int pieces = 1 << 22;
    LongFunction<List<Integer>> firstHolders =
        seed -> {
          Tracker t = new Tracker((executor, notice) -> {}, new SplittableRandom(seed));
          t.addBroadcast(ID, pieces, true);
          for (int i = 0; i < 10; i++) {
            t.announce(t.register("10.0.0." + i, 7000 + i).id(), ID, pieces - 1);
          }
          return t.locations(1, 999, ID).orElseThrow().holders().stream()
              .map(h -> h.executorId())
              .toList();
        };
    assertThat(firstHolders.apply(3)).isEqualTo(firstHolders.apply(3));
    Set<List<Integer>> windows = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      windows.add(firstHolders.apply(seed));
    }
    assertThat(windows).as("different seeds, different windows").hasSizeGreaterThan(1);
  }

  @Test
  void excludedPiecesAreNeverChosen() {
    tracker.addBroadcast(ID, 10, true);
    BitSet exclude = bits(0, 2, 4, 6, 8, 9);
    for (int i = 0; i < 100; i++) {
      int piece = tracker.choosePieceToSend(ID, 1 + i, exclude, true);
      assertThat(piece).isIn(1, 3, 5, 7);
    }
  }

  @Test
  void excludingEveryPieceGetsNothing() {
    tracker.addBroadcast(ID, 10, true);
    BitSet all = new BitSet();
    all.set(0, 10);
    assertThat(tracker.choosePieceToSend(ID, 1, all, true)).isEqualTo(-1);
    BitSet beyond = new BitSet();
    beyond.set(0, 64);
    assertThat(tracker.choosePieceToSend(ID, 1, beyond, true)).isEqualTo(-1);
  }

  @Test
  void anUnknownBroadcastGetsNothing() {
    assertThat(tracker.choosePieceToSend(12345, 1, new BitSet(), true)).isEqualTo(-1);
    tracker.addBroadcast(ID, 3, true);
    assertThat(tracker.choosePieceToSend(ID + 1, 1, new BitSet(), true)).isEqualTo(-1);
  }

  @Test
  void aDestroyedBroadcastGetsNothingAndIsExplainedWithItsSite() {
    tracker.addBroadcast(ID, 3, true);
    assertThat(tracker.knows(ID)).isTrue();
    tracker.destroyed(ID, "Foo.bar(Foo.java:3)");
    assertThat(tracker.knows(ID)).isFalse();
    assertThat(tracker.choosePieceToSend(ID, 1, new BitSet(), true)).isEqualTo(-1);
    assertThat(tracker.whyUnknown(ID))
        .contains("Foo.bar(Foo.java:3)")
        .contains("destroyed")
        .contains("Broadcast(" + ID + ")");
  }

  @Test
  void aNeverKnownBroadcastIsExplainedAsUnknown() {
    assertThat(tracker.whyUnknown(99))
        .contains("Broadcast(99)")
        .contains("unknown")
        .doesNotContain("destroyed");
  }

  @Test
  void reAddingADestroyedIdForgetsTheDestroySite() {
    tracker.destroyed(ID, "Foo.bar(Foo.java:3)");
    tracker.addBroadcast(ID, 3, true);
    assertThat(tracker.knows(ID)).isTrue();
    assertThat(tracker.whyUnknown(ID)).doesNotContain("Foo.bar");
  }

  @Test
  void registerAssignsIncreasingIds() {
    ExecutorInfo a = tracker.register("10.0.0.1", 7001);
    ExecutorInfo b = tracker.register("10.0.0.2", 7002);
    ExecutorInfo c = tracker.register("10.0.0.1", 7003);
    assertThat(a.id()).isPositive();
    assertThat(b.id()).isGreaterThan(a.id());
    assertThat(c.id()).isGreaterThan(b.id());
    assertThat(b.host()).isEqualTo("10.0.0.2");
    assertThat(b.port()).isEqualTo(7002);
    assertThat(tracker.executors()).containsExactly(a, b, c);
    assertThat(tracker.executorIds()).containsExactly(a.id(), b.id(), c.id());
  }

  @Test
  void idsAreNotReusedAfterUnregister() {
    ExecutorInfo a = tracker.register("h", 1);
    tracker.unregister(a.id());
    ExecutorInfo b = tracker.register("h", 1);
    assertThat(b.id()).isGreaterThan(a.id());
    assertThat(tracker.executors()).containsExactly(b);
  }

  @Test
  void announcementsAreCountedPerBroadcastAndPerExecutor() {
    tracker.addBroadcast(ID, 4, true);
    tracker.addBroadcast(ID + 1, 4, false);
    int e1 = tracker.register("h1", 1).id();
    int e2 = tracker.register("h2", 2).id();

    tracker.announce(e1, ID, 0);
    tracker.announce(e1, ID, 1);
    tracker.announce(e2, ID, 1);
    tracker.announce(e2, ID + 1, 3);

    assertThat(tracker.piecesHeldByExecutors(ID)).isEqualTo(3);
    assertThat(tracker.piecesHeldByExecutors(ID + 1)).isEqualTo(1);
    assertThat(tracker.piecesHeldBy(ID, e1)).isEqualTo(2);
    assertThat(tracker.piecesHeldBy(ID, e2)).isEqualTo(1);
    assertThat(tracker.piecesHeldBy(ID + 1, e1)).isZero();
  }

  @Test
  void repeatedOutOfRangeAndStrangersAnnouncementsAreIgnored() {
    tracker.addBroadcast(ID, 4, true);
    int e1 = tracker.register("h1", 1).id();

    tracker.announce(e1, ID, 2);
    tracker.announce(e1, ID, 2);
    tracker.announce(e1, ID, 4);
    tracker.announce(e1, ID, -1);
    tracker.announce(e1 + 100, ID, 1);
    tracker.announce(e1, ID + 1, 1);

    assertThat(tracker.piecesHeldByExecutors(ID)).isEqualTo(1);
    assertThat(tracker.piecesHeldByExecutors(ID + 1)).isZero();
  }

  @Test
  void unregisterDropsTheExecutorsPieces() {
    tracker.addBroadcast(ID, 4, true);
    int e1 = tracker.register("h1", 1).id();
    int e2 = tracker.register("h2", 2).id();
    for (int p = 0; p < 4; p++) {
      tracker.announce(e1, ID, p);
    }
    tracker.announce(e2, ID, 0);
    assertThat(tracker.piecesHeldByExecutors(ID)).isEqualTo(5);

    tracker.unregister(e1);

    assertThat(tracker.piecesHeldByExecutors(ID)).isEqualTo(1);
    assertThat(tracker.piecesHeldBy(ID, e1)).isZero();
    assertThat(tracker.executorIds()).containsExactly(e2);
    // Announcements from the forgotten executor no longer count.
    tracker.announce(e1, ID, 3);
    assertThat(tracker.piecesHeldByExecutors(ID)).isEqualTo(1);
    // Unregistering twice, or an unknown id, is harmless.
    tracker.unregister(e1);
    tracker.unregister(12345);
    assertThat(tracker.piecesHeldByExecutors(ID)).isEqualTo(1);
  }

  @Test
  void executorsDroppedForgetsHoldingsAndResetsSendCounts() {
    tracker.addBroadcast(ID, 2, true);
    int e1 = tracker.register("h1", 1).id();
    tracker.announce(e1, ID, 0);
    tracker.choosePieceToSend(ID, e1, new BitSet(), false);
    tracker.choosePieceToSend(ID, e1 + 1, new BitSet(), false);
    assertThat(tracker.choosePieceToSend(ID, e1 + 2, new BitSet(), false)).isEqualTo(-1);

    tracker.executorsDropped(ID);

    assertThat(tracker.piecesHeldByExecutors(ID)).isZero();
    assertThat(tracker.knows(ID)).isTrue();
    assertThat(tracker.choosePieceToSend(ID, e1, new BitSet(), false)).isBetween(0, 1);
  }

  @Test
  void noPieceIsBookedForAnExecutorThatIsGone() {
    tracker.addBroadcast(ID, 2, true);
    int lost = tracker.register("h1", 1).id();
    int other = tracker.register("h2", 2).id();
    tracker.unregister(lost);
    // An upload slot freed after the executor was lost: nothing is chosen, nothing counted as sent.
    assertThat(tracker.choosePieceToSend(ID, lost, new BitSet(), false)).isEqualTo(-1);
    assertThat(tracker.choosePieceToSend(ID, other, new BitSet(), false)).isZero();
    assertThat(tracker.choosePieceToSend(ID, other, new BitSet(), false)).isEqualTo(1);
  }

  @Test
  void locationsListOtherHoldersWithTheirPieces() {
    tracker.addBroadcast(ID, 6, true);
    ExecutorInfo e1 = tracker.register("h1", 1001);
    ExecutorInfo e2 = tracker.register("h2", 1002);
    ExecutorInfo asker = tracker.register("h3", 1003);
    tracker.announce(e1.id(), ID, 0);
    tracker.announce(e1.id(), ID, 5);
    tracker.announce(e2.id(), ID, 2);
    tracker.announce(asker.id(), ID, 4);

    Optional<Locations> reply = tracker.locations(77, asker.id(), ID);

    assertThat(reply).isPresent();
    Locations l = reply.get();
    assertThat(l.requestId()).isEqualTo(77);
    assertThat(l.broadcastId()).isEqualTo(ID);
    assertThat(l.pieceCount()).isEqualTo(6);
    assertThat(l.holders())
        .containsExactlyInAnyOrder(
            new Locations.Holder(e1.id(), "h1", 1001, bits(0, 5)),
            new Locations.Holder(e2.id(), "h2", 1002, bits(2)));
  }

  @Test
  void locationsOfADriverOnlyBroadcastListNoHolders() {
    tracker.addBroadcast(ID, 3, false);
    int e1 = tracker.register("h1", 1).id();
    int e2 = tracker.register("h2", 2).id();
    tracker.announce(e1, ID, 0);
    assertThat(tracker.locations(1, e2, ID))
        .hasValueSatisfying(l -> assertThat(l.holders()).isEmpty());
  }

  @Test
  void locationsOfAnUnknownBroadcastAreEmpty() {
    assertThat(tracker.locations(1, 1, 404)).isEmpty();
  }

  @Test
  void locationsAreASnapshot() {
    tracker.addBroadcast(ID, 4, true);
    int e1 = tracker.register("h1", 1).id();
    int e2 = tracker.register("h2", 2).id();
    tracker.announce(e1, ID, 0);
    Locations l = tracker.locations(1, e2, ID).orElseThrow();
    l.holders().get(0).pieces().set(3);
    assertThat(tracker.piecesHeldBy(ID, e1)).isEqualTo(1);
  }

  @Test
  void awaitExecutorsReturnsFalseOnTimeout() throws InterruptedException {
    tracker.register("h1", 1);
    long start = System.nanoTime();
    assertThat(tracker.awaitExecutors(2, 100)).isFalse();
    assertThat(System.nanoTime() - start)
        .as("waited for the timeout")
        .isGreaterThanOrEqualTo(90_000_000L);
  }

  @Test
  void awaitExecutorsReturnsTrueAtOnceWhenEnoughAreRegistered() throws InterruptedException {
    tracker.register("h1", 1);
    tracker.register("h2", 2);
    assertThat(tracker.awaitExecutors(2, 0)).isTrue();
    assertThat(tracker.awaitExecutors(0, 0)).isTrue();
  }

  @Test
  void awaitExecutorsWakesUpWhenAnExecutorRegisters() throws Exception {
    AtomicBoolean result = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
              try {
                result.set(tracker.awaitExecutors(1, 20_000));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    long start = System.nanoTime();
    waiter.start();
    await("the waiter waiting in awaitExecutors, or done")
        .atMost(Duration.ofSeconds(10))
        .until(() -> waiter.getState() == Thread.State.TIMED_WAITING || !waiter.isAlive());
    tracker.register("h1", 1);
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    assertThat(result.get()).isTrue();
    assertThat(System.nanoTime() - start)
        .as("woke well before the 20 s timeout")
        .isLessThan(10_000_000_000L);
  }

  @Test
  void executorsIsASnapshot() {
    tracker.register("h1", 1);
    List<ExecutorInfo> snapshot = tracker.executors();
    tracker.register("h2", 2);
    assertThat(snapshot).hasSize(1);
    assertThat(tracker.executors()).hasSize(2);
  }

  /**
   * Names come from a shuffled cycle: over a round of questions every executor is named about as
   * often.
   */
  @Test
  void withNeighboursEveryExecutorIsNamedAboutAsOftenAndNeverToItself() {
    Tracker t = new Tracker((executor, notice) -> {}, new SplittableRandom(3), 16);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(t.register("10.0.0." + i, 7000).id());
    }
    t.addBroadcast(ID, 64, true);
    Map<Integer, Integer> named = new HashMap<>();
    for (int asker : ids) {
      List<Locations.Holder> holders = t.locations(1, asker, ID).orElseThrow().holders();
      assertThat(holders)
          .as("at most %d names, distinct", Tracker.NAMES_PER_ANSWER)
          .hasSize(Tracker.NAMES_PER_ANSWER)
          .extracting(Locations.Holder::executorId)
          .doesNotHaveDuplicates()
          .doesNotContain(asker);
      holders.forEach(h -> named.merge(h.executorId(), 1, Integer::sum));
    }
    assertThat(named).as("every executor named").hasSize(100);
    assertThat(named.values())
        .as("400 names over 100 executors, 4 rounds")
        .allSatisfy(n -> assertThat(n).isBetween(3, 5));

    t.unregister(ids.get(0));
    for (int i = 0; i < 50; i++) {
      assertThat(t.locations(2, ids.get(1), ID).orElseThrow().holders())
          .extracting(Locations.Holder::executorId)
          .as("a lost executor is named no more")
          .doesNotContain(ids.get(0));
    }
  }
}
