package io.swarmcast.swarm;

import static io.swarmcast.TestData.bits;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.swarm.FetchAction.AskLocations;
import io.swarmcast.swarm.FetchAction.BanPeer;
import io.swarmcast.swarm.FetchAction.Cancel;
import io.swarmcast.swarm.FetchAction.Done;
import io.swarmcast.swarm.FetchAction.Fail;
import io.swarmcast.swarm.FetchAction.FetchAnyFromDriver;
import io.swarmcast.swarm.FetchAction.FetchFromDriver;
import io.swarmcast.swarm.FetchAction.FetchFromPeer;
import io.swarmcast.swarm.FetchAction.WakeAt;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fetch scheduler driven by events alone: no sockets, no threads, no sleeps. Time is a counter
 * the test advances; chance a seeded {@link Random}.
 */
@Timeout(10)
class FetchSchedulerTest {
  private static final PeerAddress A = new PeerAddress(1, "10.0.0.1", 7001);
  private static final PeerAddress B = new PeerAddress(2, "10.0.0.2", 7002);
  private static final PeerAddress C = new PeerAddress(3, "10.0.0.3", 7003);

  private long now = 1_000_000_000L;

  private FetchScheduler torrent(int pieces, BitSet held, FetchLimits limits) {
    return new FetchScheduler(
        pieces,
        held,
        FetchStrategy.torrent(),
        FetchPolicy.standard(limits, new Random(42)),
        () -> now);
  }

  private FetchScheduler torrent(int pieces) {
    return torrent(pieces, new BitSet(), new FetchLimits(16, 1, 2));
  }

  @Test
  void everythingAlreadyLocalIsDoneAtOnceWithoutAskingAnyone() {
    FetchScheduler s = torrent(4, bits(0, 1, 2, 3), new FetchLimits(16, 1, 2));

    assertThat(s.start()).containsExactly(new Done());
    assertThat(s.isFinished()).isTrue();
    assertThat(s.onHave(A, 0)).isEmpty();
  }

  @Test
  void startAsksTheTrackerFirstAndTheDriverForOnePieceThenUpToItsLimit() {
    FetchScheduler s = torrent(8);

    List<FetchAction> first = s.start();

    assertThat(first.get(0)).isInstanceOf(AskLocations.class);
    FetchAnyFromDriver any =
        assertThat(of(first, FetchAnyFromDriver.class))
            .as("one until the driver has sent a piece: thousands of executors get about one each")
            .singleElement()
            .actual();
    assertThat(any.allowDuplicate()).isFalse();
    assertThat(of(first, FetchFromPeer.class)).isEmpty();

    assertThat(of(s.onPiece(any.token(), 3), FetchAnyFromDriver.class))
        .as("the driver sends to this executor: its limit of 2 from now on")
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.exclude().get(3)).isTrue());
  }

  @Test
  void aOnePieceBroadcastAsksTheDriverAloneAndTheTrackerOnlyWhenTheDriverDeclines() {
    FetchScheduler s = torrent(1);

    List<FetchAction> first = s.start();
    assertThat(first).hasSize(1).allMatch(a -> a instanceof FetchAnyFromDriver);

    List<FetchAction> afterDecline = s.onDriverDeclined(token(first.get(0)));
    assertThat(afterDecline).containsExactly(new AskLocations());

    List<FetchAction> afterLocations = s.onLocations(List.of(new PeerPieces(A, bits(0))));
    assertThat(of(afterLocations, FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(A));
    FetchFromPeer r = of(afterLocations, FetchFromPeer.class).get(0);
    assertThat(s.onPiece(r.token(), 0)).containsExactly(new Done());
  }

  @Test
  void peerPiecesAreAskedOfPeersRarestFirstAndTheDriverIsNotAskedForWhatPeersHold() {
    FetchScheduler s = torrent(4, new BitSet(), new FetchLimits(16, 4, 2));
    s.start();

    // A holds 0, 1, 2; B holds 1, 2: piece 0 is rarer than 1 and 2. Nobody holds 3.
    List<FetchAction> actions =
        s.onLocations(List.of(new PeerPieces(A, bits(0, 1, 2)), new PeerPieces(B, bits(1, 2))));

    List<FetchFromPeer> requests = of(actions, FetchFromPeer.class);
    assertThat(requests).extracting(FetchFromPeer::piece).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(requests.get(0).piece()).as("the rarest piece goes first").isEqualTo(0);
    assertThat(requests.get(0).peer()).isEqualTo(A);
    // The driver was asked twice at the start; the peers' pieces are booked, so nothing more is
    // asked of it.
    assertThat(of(actions, FetchAnyFromDriver.class)).isEmpty();
  }

  @Test
  void aReaderInOrderGetsTheLowestMissingPieceFirstEvenWhenEveryPeerHoldsIt() {
    // Piece 0 is held by all three peers, 1, 2 and 3 by one each: rarest-first leaves 0 for later,
    // while a file's SHA-256, which follows the fetch in order, waits on it.
    List<PeerPieces> holders =
        List.of(
            new PeerPieces(A, bits(0, 1)),
            new PeerPieces(B, bits(0, 2)),
            new PeerPieces(C, bits(0, 3)));
    FetchPolicy standard = FetchPolicy.standard(new FetchLimits(1, 1, 1), new Random(42));

    FetchScheduler rarest =
        new FetchScheduler(4, new BitSet(), FetchStrategy.torrent(), standard, () -> now);
    rarest.start();
    assertThat(of(rarest.onLocations(holders), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.piece()).as("rarest first").isNotZero());

    FetchScheduler inOrder =
        new FetchScheduler(
            4, new BitSet(), FetchStrategy.torrent(), standard.withInOrderReader(), () -> now);
    inOrder.start();
    FetchFromPeer first = of(inOrder.onLocations(holders), FetchFromPeer.class).get(0);
    assertThat(first.piece()).isZero();
    FetchFromPeer next = of(inOrder.onPiece(first.token(), 0), FetchFromPeer.class).get(0);
    assertThat(next.piece())
        .as("the next lowest missing piece, 1, which only A holds")
        .isEqualTo(1);
    assertThat(next.peer()).isEqualTo(A);
  }

  @Test
  void theDriversExclusionSetNamesHeldInFlightAndPeerHeldPieces() {
    FetchScheduler s = torrent(6, bits(5), new FetchLimits(16, 1, 1));
    List<FetchAction> first = s.start();
    FetchAnyFromDriver ask = of(first, FetchAnyFromDriver.class).get(0);
    assertThat(ask.exclude()).isEqualTo(bits(5));

    s.onLocations(List.of(new PeerPieces(A, bits(0))));
    // Piece 2 arrives from the driver; the next "any" request excludes it, A's piece 0 (in flight)
    // and 5.
    List<FetchAction> next = s.onPiece(ask.token(), 2);
    assertThat(of(next, FetchAnyFromDriver.class))
        .singleElement()
        .satisfies(a -> assertThat(a.exclude()).isEqualTo(bits(0, 2, 5)));
  }

  @Test
  void aDeadPeerIsBannedAndItsPieceComesFromAnotherHolder() {
    FetchScheduler s = torrent(2, new BitSet(), new FetchLimits(16, 1, 1));
    List<FetchAction> start = s.start();
    s.onDriverDeclined(token(of(start, FetchAnyFromDriver.class).get(0)));
    List<FetchAction> actions =
        s.onLocations(List.of(new PeerPieces(A, bits(0, 1)), new PeerPieces(B, bits(0, 1))));
    List<FetchFromPeer> reqs = of(actions, FetchFromPeer.class);
    assertThat(reqs).hasSize(2);
    FetchFromPeer toA = reqs.stream().filter(r -> r.peer().equals(A)).findFirst().orElseThrow();

    List<FetchAction> afterDeath =
        s.onSourceFailed(toA.token(), new IOException("connection reset"));

    assertThat(afterDeath).contains(new BanPeer(A.id(), BanPeer.Reason.FAILED));
    assertThat(afterDeath)
        .as("a lost source makes it ask the tracker again")
        .contains(new AskLocations());
    // B is busy with its one request; once it answers, A's piece goes to B, never to A again.
    FetchFromPeer toB = reqs.stream().filter(r -> r.peer().equals(B)).findFirst().orElseThrow();
    List<FetchAction> afterB = s.onPiece(toB.token(), toB.piece());
    assertThat(of(afterB, FetchFromPeer.class))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.peer()).isEqualTo(B);
              assertThat(r.piece()).isEqualTo(toA.piece());
            });
    assertThat(s.onHave(A, 0))
        .as("a banned peer's notices are ignored")
        .noneMatch(a -> a instanceof FetchFromPeer);
  }

  @Test
  void aPeerLostMidPieceSendsThatPieceToTheDriverWhenNoOtherPeerHasIt() {
    FetchScheduler s = torrent(2, new BitSet(), new FetchLimits(16, 1, 1));
    List<FetchAction> start = s.start();
    long driverToken = token(of(start, FetchAnyFromDriver.class).get(0));
    List<FetchAction> loc = s.onLocations(List.of(new PeerPieces(A, bits(0))));
    FetchFromPeer toA = of(loc, FetchFromPeer.class).get(0);
    // The driver sends piece 1 and, all else being asked of A, declines more.
    s.onPiece(driverToken, 1);

    List<FetchAction> lost = s.onSourceFailed(toA.token(), new IOException("closed mid-piece"));

    assertThat(of(lost, FetchAnyFromDriver.class))
        .as("piece 0 now has no peer: ask the driver")
        .singleElement()
        .satisfies(a -> assertThat(a.exclude()).isEqualTo(bits(1)));
  }

  @Test
  void aCorruptPieceIsAskedOfAnotherHolderAndItsSenderBannedAfterMaxBadPieces() {
    FetchScheduler s = torrent(2, new BitSet(), new FetchLimits(16, 1, 1, 2));
    s.onDriverDeclined(token(of(s.start(), FetchAnyFromDriver.class).get(0)));
    List<FetchAction> loc =
        s.onLocations(List.of(new PeerPieces(A, bits(0, 1)), new PeerPieces(B, bits(0, 1))));
    List<FetchFromPeer> reqs = of(loc, FetchFromPeer.class);
    FetchFromPeer fromA = reqs.stream().filter(r -> r.peer().equals(A)).findFirst().orElseThrow();
    FetchFromPeer fromB = reqs.stream().filter(r -> r.peer().equals(B)).findFirst().orElseThrow();

    List<FetchAction> firstBad = s.onCorrupt(fromA.token());
    assertThat(of(firstBad, BanPeer.class)).as("one bad piece is not yet a ban").isEmpty();
    // B is busy with its own piece; when it is free, it (not A) is asked for the piece A spoiled.
    List<FetchAction> afterB = s.onPiece(fromB.token(), fromB.piece());
    assertThat(of(afterB, FetchFromPeer.class))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.peer()).isEqualTo(B);
              assertThat(r.piece()).isEqualTo(fromA.piece());
            });

    // A sends a second bad piece (asked for again through a notice): now it is banned.
    FetchScheduler again = torrent(3, new BitSet(), new FetchLimits(16, 1, 1, 2));
    again.onDriverDeclined(token(of(again.start(), FetchAnyFromDriver.class).get(0)));
    FetchFromPeer one =
        of(again.onLocations(List.of(new PeerPieces(A, bits(0, 1, 2)))), FetchFromPeer.class)
            .get(0);
    FetchFromPeer two = of(again.onCorrupt(one.token()), FetchFromPeer.class).get(0);
    assertThat(two.peer()).isEqualTo(A);
    assertThat(two.piece()).as("not the piece it spoiled").isNotEqualTo(one.piece());
    assertThat(again.onCorrupt(two.token())).contains(new BanPeer(A.id(), BanPeer.Reason.CORRUPT));
    assertThat(again.knownPeers()).isZero();
  }

  @Test
  void withMaxBadPiecesOneTheFirstCorruptPieceBansItsSender() {
    FetchScheduler s = torrent(1, new BitSet(), new FetchLimits(16, 1, 1, 1));
    s.onDriverDeclined(token(s.start().get(0)));
    List<FetchAction> loc =
        s.onLocations(List.of(new PeerPieces(A, bits(0)), new PeerPieces(B, bits(0))));
    FetchFromPeer first = of(loc, FetchFromPeer.class).get(0);

    List<FetchAction> afterCorrupt = s.onCorrupt(first.token());

    assertThat(afterCorrupt).contains(new BanPeer(first.peer().id(), BanPeer.Reason.CORRUPT));
    FetchFromPeer retry = of(afterCorrupt, FetchFromPeer.class).get(0);
    assertThat(retry.peer()).isNotEqualTo(first.peer());
    assertThat(retry.piece()).isEqualTo(0);
  }

  @Test
  void threeCorruptPiecesFromTheDriverFailTheFetch() {
    FetchScheduler s = torrent(4, new BitSet(), new FetchLimits(16, 1, 1));
    long t = token(of(s.start(), FetchAnyFromDriver.class).get(0));
    t = token(of(s.onCorrupt(t), FetchAnyFromDriver.class).get(0));
    t = token(of(s.onCorrupt(t), FetchAnyFromDriver.class).get(0));

    List<FetchAction> third = s.onCorrupt(t);

    assertThat(of(third, Fail.class))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.cause())
                    .isInstanceOf(CorruptPieceException.class)
                    .hasMessageContaining("3 pieces"));
    assertThat(s.isFinished()).isTrue();
  }

  @Test
  void aBusyPeerIsLeftAloneForTheBackOffWhileOthersAreAsked() {
    FetchScheduler s = torrent(1, new BitSet(), new FetchLimits(16, 1, 1));
    s.onDriverDeclined(token(s.start().get(0)));
    List<FetchAction> loc = s.onLocations(List.of(new PeerPieces(A, bits(0))));
    FetchFromPeer toA = of(loc, FetchFromPeer.class).get(0);

    List<FetchAction> busy = s.onBusy(toA.token());

    assertThat(of(busy, FetchFromPeer.class)).as("A said busy: not asked again at once").isEmpty();
    assertThat(of(busy, WakeAt.class))
        .singleElement()
        .satisfies(
            w -> assertThat(w.nanoTime()).isEqualTo(now + FetchScheduler.BUSY_BACKOFF_NANOS));
    // B appears meanwhile: it is asked at once.
    assertThat(of(s.onHave(B, 0), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(B));
  }

  @Test
  void aBusyPeerIsAskedAgainWhenItsBackOffTimerFires() {
    FetchScheduler s = torrent(1, new BitSet(), new FetchLimits(16, 1, 1));
    s.onDriverDeclined(token(s.start().get(0)));
    FetchFromPeer toA =
        of(s.onLocations(List.of(new PeerPieces(A, bits(0)))), FetchFromPeer.class).get(0);
    s.onBusy(toA.token());

    now += FetchScheduler.BUSY_BACKOFF_NANOS / 2;
    assertThat(of(s.onTimer(), FetchFromPeer.class)).as("still backing off").isEmpty();
    now += FetchScheduler.BUSY_BACKOFF_NANOS;
    assertThat(of(s.onTimer(), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(A));
  }

  @Test
  void aPeerThatNoLongerHasThePieceIsNotAskedForItAgain() {
    FetchScheduler s = torrent(1, new BitSet(), new FetchLimits(16, 1, 1));
    s.onDriverDeclined(token(s.start().get(0)));
    FetchFromPeer toA =
        of(s.onLocations(List.of(new PeerPieces(A, bits(0)))), FetchFromPeer.class).get(0);

    List<FetchAction> refused = s.onRefused(toA.token(), new IllegalStateException("not held"));

    assertThat(of(refused, BanPeer.class)).as("an honest answer is no reason to ban").isEmpty();
    assertThat(of(refused, FetchFromPeer.class)).isEmpty();
    assertThat(refused)
        .as("its holders may be others than the notices named")
        .contains(new AskLocations());
    assertThat(of(refused, FetchAnyFromDriver.class))
        .as("a source was lost: the driver may have it fresh again")
        .singleElement()
        .satisfies(a -> assertThat(a.exclude().get(0)).isFalse());
  }

  @Test
  void theDriverDecliningStopsFurtherAsksUntilNothingElseMoves() {
    FetchScheduler s = torrent(3, new BitSet(), new FetchLimits(16, 1, 2));
    List<FetchAction> start = s.start();
    List<FetchAnyFromDriver> asks = of(start, FetchAnyFromDriver.class);
    s.onLocations(List.of());
    FetchFromPeer fromA = of(s.onHave(A, 0), FetchFromPeer.class).get(0);

    assertThat(asks).hasSize(1);
    assertThat(s.onDriverDeclined(asks.get(0).token()))
        .as("a peer request is moving: no duplicate")
        .isEmpty();

    // The peer's piece arrives; with nothing moving, the driver is asked again, for a duplicate.
    List<FetchAction> after = s.onPiece(fromA.token(), 0);
    assertThat(of(after, FetchAnyFromDriver.class))
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a.allowDuplicate()).isTrue());
  }

  @Test
  void theDriverRefusingTheBroadcastFailsTheFetchWithItsReason() {
    FetchScheduler s = torrent(3);
    long first = token(of(s.start(), FetchAnyFromDriver.class).get(0));
    long t = token(of(s.onPiece(first, 0), FetchAnyFromDriver.class).get(0));
    IllegalStateException why =
        new IllegalStateException("Broadcast(3) was destroyed (Main.java:12)");

    List<FetchAction> refused = s.onRefused(t, why);

    assertThat(of(refused, Fail.class))
        .singleElement()
        .satisfies(f -> assertThat(f.cause()).isSameAs(why));
    assertThat(of(refused, Cancel.class)).as("the other driver request is cancelled").hasSize(1);
  }

  @Test
  void theEndGameAsksASecondHolderOfASlowPieceAndCancelsTheLoser() {
    FetchScheduler s = torrent(2, new BitSet(), new FetchLimits(16, 1, 1));
    s.onDriverDeclined(token(of(s.start(), FetchAnyFromDriver.class).get(0)));
    List<FetchAction> loc =
        s.onLocations(List.of(new PeerPieces(A, bits(0, 1)), new PeerPieces(B, bits(0, 1))));
    List<FetchFromPeer> reqs = of(loc, FetchFromPeer.class);
    assertThat(reqs).hasSize(2);
    FetchFromPeer fast = reqs.get(0);
    FetchFromPeer slow = reqs.get(1);
    WakeAt wake = of(loc, WakeAt.class).get(0);
    assertThat(wake.nanoTime())
        .as("every missing piece is asked for: the end game's timer runs")
        .isEqualTo(now + FetchPolicy.END_GAME_WAIT.toNanos());
    List<FetchAction> afterFast = s.onPiece(fast.token(), fast.piece());
    assertThat(of(afterFast, FetchFromPeer.class))
        .as("not yet: the slow request has not waited long")
        .isEmpty();

    now = wake.nanoTime();
    List<FetchAction> endGame = s.onTimer();

    FetchFromPeer second = of(endGame, FetchFromPeer.class).get(0);
    assertThat(second.piece()).isEqualTo(slow.piece());
    assertThat(second.peer()).isNotEqualTo(slow.peer());
    // The second holder answers first: done, and the slow request is cancelled.
    assertThat(s.onPiece(second.token(), second.piece()))
        .containsExactly(new Cancel(slow.token()), new Done());
    assertThat(s.onPiece(slow.token(), slow.piece())).as("a late answer is ignored").isEmpty();
  }

  @Test
  void endGameWinnerCancelsTheOtherRequestBeforeTheFetchIsOver() {
    FetchScheduler s = torrent(3, new BitSet(), new FetchLimits(16, 1, 1));
    s.onDriverDeclined(token(of(s.start(), FetchAnyFromDriver.class).get(0)));
    List<FetchFromPeer> reqs =
        of(
            s.onLocations(
                List.of(
                    new PeerPieces(A, bits(0, 1, 2)),
                    new PeerPieces(B, bits(0, 1, 2)),
                    new PeerPieces(C, bits(0, 1, 2)))),
            FetchFromPeer.class);
    assertThat(reqs).hasSize(3);
    FetchFromPeer done0 = reqs.get(0);
    s.onPiece(done0.token(), done0.piece());
    now += FetchPolicy.END_GAME_WAIT.toNanos();
    FetchFromPeer dup = of(s.onTimer(), FetchFromPeer.class).get(0);
    FetchFromPeer original =
        reqs.stream().filter(r -> r.piece() == dup.piece()).findFirst().orElseThrow();

    List<FetchAction> won = s.onPiece(dup.token(), dup.piece());

    assertThat(won).contains(new Cancel(original.token()));
    assertThat(won).doesNotContain(new Done());
    // The freed holders take the last piece's duplicate: it has waited as long.
    int last = 3 - done0.piece() - dup.piece();
    assertThat(of(won, FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.piece()).isEqualTo(last));
    assertThat(s.outstanding()).isEqualTo(2);
  }

  @Test
  void aPeerThatDoesNotAnswerWithinThePeerTimeoutIsCancelledBannedAndItsPieceAskedElsewhere() {
    FetchScheduler s =
        new FetchScheduler(
            1,
            new BitSet(),
            FetchStrategy.torrent(),
            FetchPolicy.standard(new FetchLimits(16, 1, 1), Duration.ofSeconds(3), new Random(3)),
            () -> now);
    s.onDriverDeclined(token(s.start().get(0)));
    List<FetchAction> loc = s.onLocations(List.of(new PeerPieces(A, bits(0))));
    FetchFromPeer toA = of(loc, FetchFromPeer.class).get(0);
    long deadline = now + 3_000_000_000L;

    now += 2_000_000_000L;
    List<FetchAction> early = s.onTimer(); // the end game's wake-up: no second holder to ask
    assertThat(early)
        .as("not yet stalled")
        .noneMatch(a -> a instanceof Cancel || a instanceof BanPeer);
    assertThat(of(early, WakeAt.class))
        .as("a wake-up for the request's deadline")
        .singleElement()
        .satisfies(w -> assertThat(w.nanoTime()).isEqualTo(deadline));
    now = deadline;
    List<FetchAction> stalled = s.onTimer();

    assertThat(stalled)
        .contains(new Cancel(toA.token()), new BanPeer(A.id(), BanPeer.Reason.STALLED));
    assertThat(of(stalled, FetchAnyFromDriver.class))
        .as("nobody else has it: the driver, for a duplicate if need be")
        .singleElement()
        .satisfies(a -> assertThat(a.exclude().get(0)).isFalse());
    // Its answer comes after all: a piece is a piece. The driver's request for it is cancelled.
    long driverAsk = of(stalled, FetchAnyFromDriver.class).get(0).token();
    assertThat(s.onPiece(toA.token(), 0)).containsExactly(new Cancel(driverAsk), new Done());
  }

  @Test
  void aNoticeForAPieceOutOfRangeIsIgnored() {
    FetchScheduler s = torrent(2);
    s.start();
    assertThat(s.onHave(A, 7)).noneMatch(a -> a instanceof FetchFromPeer);
    assertThat(s.onHave(A, -1)).noneMatch(a -> a instanceof FetchFromPeer);
  }

  @Test
  void eventsForUnknownTokensAndAfterTheEndYieldNothing() {
    FetchScheduler s = torrent(2);
    s.start();
    assertThat(s.onPiece(999, 0)).isEmpty();
    assertThat(s.onBusy(999)).isEmpty();
    List<FetchAction> cancels = s.stop();
    assertThat(cancels)
        .as("the driver's one request")
        .hasSize(1)
        .allMatch(a -> a instanceof Cancel);
    assertThat(s.onHave(A, 0)).isEmpty();
    assertThat(s.wants(0)).isFalse();
  }

  @Test
  void theDirectStrategyAsksTheDriverForEachPieceInOrderAndNeverPeers() {
    FetchScheduler s =
        new FetchScheduler(
            5,
            bits(1),
            FetchStrategy.direct(),
            FetchPolicy.standard(new FetchLimits(16, 1, 2), new Random(1)),
            () -> now);

    List<FetchAction> start = s.start();
    assertThat(start).extracting(a -> ((FetchFromDriver) a).piece()).containsExactly(0, 2);
    assertThat(s.onHave(A, 3)).as("peers are not used").isEmpty();

    List<FetchAction> next = s.onPiece(((FetchFromDriver) start.get(0)).token(), 0);
    assertThat(next).extracting(a -> ((FetchFromDriver) a).piece()).containsExactly(3);
  }

  @Test
  void theSameEventsGiveTheSameActions() {
    List<FetchAction> first = scriptedRun(7);
    List<FetchAction> second = scriptedRun(7);
    assertThat(second).usingRecursiveFieldByFieldElementComparator().isEqualTo(first);
  }

  /**
   * Many peers, random arrivals: the fetch ends with every piece, no piece asked twice outside the
   * end game.
   */
  @Test
  void aRandomSwarmAlwaysFinishes() {
    for (int seed = 0; seed < 50; seed++) {
      Random chance = new Random(seed);
      int pieces = 1 + chance.nextInt(40);
      FetchScheduler s =
          new FetchScheduler(
              pieces,
              new BitSet(),
              FetchStrategy.torrent(),
              FetchPolicy.standard(new FetchLimits(4, 1, 2), new Random(seed)),
              () -> now);
      ArrayDeque<FetchAction> queue = new ArrayDeque<>(s.start());
      List<PeerPieces> holders = new ArrayList<>();
      for (int p = 1; p <= 5; p++) {
        BitSet b = new BitSet();
        for (int i = 0; i < pieces; i++) {
          if (chance.nextBoolean()) {
            b.set(i);
          }
        }
        holders.add(new PeerPieces(new PeerAddress(p, "h" + p, 1), b));
      }
      boolean finished = false;
      for (int step = 0; step < 10_000 && !finished; step++) {
        FetchAction a = queue.poll();
        if (a == null) {
          now += FetchScheduler.BUSY_BACKOFF_NANOS;
          queue.addAll(s.onTimer());
          continue;
        }
        List<FetchAction> next =
            switch (a.getClass().getSimpleName()) {
              case "AskLocations" -> s.onLocations(holders);
              case "FetchFromPeer" ->
                  chance.nextInt(10) == 0
                      ? s.onBusy(((FetchFromPeer) a).token())
                      : s.onPiece(((FetchFromPeer) a).token(), ((FetchFromPeer) a).piece());
              case "FetchAnyFromDriver" -> {
                BitSet ex = ((FetchAnyFromDriver) a).exclude();
                int piece = ex.nextClearBit(0);
                yield piece < pieces
                    ? s.onPiece(((FetchAnyFromDriver) a).token(), piece)
                    : s.onDriverDeclined(((FetchAnyFromDriver) a).token());
              }
              case "Done" -> {
                finished = true;
                yield List.of();
              }
              default -> List.of();
            };
        queue.addAll(next);
      }
      assertThat(finished).as("seed %d, %d pieces", seed, pieces).isTrue();
      assertThat(s.held().cardinality()).isEqualTo(pieces);
    }
  }

  private List<FetchAction> scriptedRun(long seed) {
    FetchScheduler s =
        new FetchScheduler(
            10,
            new BitSet(),
            FetchStrategy.torrent(),
            FetchPolicy.standard(new FetchLimits(8, 2, 2), new Random(seed)),
            () -> now);
    List<FetchAction> all = new ArrayList<>(s.start());
    all.addAll(
        s.onLocations(
            List.of(
                new PeerPieces(A, bits(0, 1, 2, 3, 4)),
                new PeerPieces(B, bits(2, 3, 4, 5, 6)),
                new PeerPieces(C, bits(0, 5, 6, 7, 8)))));
    all.addAll(s.onHave(A, 9));
    return all;
  }

  private static long token(FetchAction a) {
    if (a instanceof FetchAnyFromDriver d) {
      return d.token();
    }
    if (a instanceof FetchFromPeer p) {
      return p.token();
    }
    if (a instanceof FetchFromDriver d) {
      return d.token();
    }
    throw new AssertionError("not a request: " + a);
  }

  private static <T extends FetchAction> List<T> of(List<FetchAction> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Test
  void
      withNeighbourExchangeTheTrackersPeersAreAskedOnceWhatTheyHoldAndALostOneIsReplacedNotAdded() {
    PeerAddress d = new PeerAddress(4, "10.0.0.4", 7004);
    FetchScheduler s = neighbourScheduler(8, 2);
    s.start();
    List<FetchAction> first =
        s.onLocations(List.of(new PeerPieces(A, new BitSet()), new PeerPieces(B, new BitSet())));
    assertThat(of(first, FetchAction.AskPeers.class))
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(A, B));
    assertThat(
            of(
                s.onLocations(
                    List.of(new PeerPieces(B, new BitSet()), new PeerPieces(C, new BitSet()))),
                FetchAction.AskPeers.class))
        .as("two neighbours, as first named: C is not added")
        .isEmpty();

    assertThat(s.onPeerLocationsFailed(A, new IOException("refused"))).contains(new AskLocations());
    List<FetchAction> again =
        s.onLocations(List.of(new PeerPieces(C, new BitSet()), new PeerPieces(d, new BitSet())));
    assertThat(of(again, FetchAction.AskPeers.class))
        .singleElement()
        .satisfies(
            a -> assertThat(a.peers()).as("A is replaced by one new neighbour").containsExactly(C));

    // B's answer names a holder it heard of (D): not a neighbour of ours, so nothing is fetched
    // from it.
    List<FetchAction> fromB =
        s.onPeerLocations(B, List.of(new PeerPieces(B, bits(2)), new PeerPieces(d, bits(3))));
    assertThat(of(fromB, FetchFromPeer.class))
        .extracting(FetchFromPeer::peer, FetchFromPeer::piece)
        .containsExactly(Tuple.tuple(B, 2));
  }

  /**
   * The tracker names a few; the neighbours' answers name the rest, asked until the policy's count
   * is reached.
   */
  @Test
  void withNeighbourExchangeTheNeighboursNamedByANeighbourAreAskedUpToTheCount() {
    PeerAddress d = new PeerAddress(4, "10.0.0.4", 7004);
    PeerAddress e = new PeerAddress(5, "10.0.0.5", 7005);
    FetchScheduler s = neighbourScheduler(8, 3);
    s.start();
    assertThat(
            of(s.onLocations(List.of(new PeerPieces(A, new BitSet()))), FetchAction.AskPeers.class))
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(A));

    List<FetchAction> fromA =
        s.onPeerLocations(
            A,
            List.of(
                new PeerPieces(A, bits(1)),
                new PeerPieces(B, bits(2)),
                new PeerPieces(C, bits(3)),
                new PeerPieces(d, bits(4))));
    assertThat(of(fromA, FetchAction.AskPeers.class))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.peers())
                    .as("two more make three: D is not asked")
                    .containsExactly(B, C));
    assertThat(of(fromA, FetchFromPeer.class))
        .as("only A's own pieces are fetched before B and C answer")
        .extracting(FetchFromPeer::peer)
        .containsOnly(A);

    List<FetchAction> fromB =
        s.onPeerLocations(B, List.of(new PeerPieces(B, bits(2)), new PeerPieces(e, bits(5))));
    assertThat(of(fromB, FetchAction.AskPeers.class)).as("three neighbours already").isEmpty();
    assertThat(of(fromB, FetchFromPeer.class)).extracting(FetchFromPeer::peer).containsOnly(B);
  }

  /**
   * Neighbours that name nobody (they had not begun to fetch): the first of them to tell of a piece
   * has begun, and is asked again for the holders it knows; the tracker is not.
   */
  @Test
  void withNeighbourExchangeTooFewNamedAsksTheFirstNeighbourToTellOfAPieceAgain() {
    FetchScheduler s = neighbourScheduler(8, 16);
    s.start();
    s.onLocations(List.of(new PeerPieces(A, new BitSet()), new PeerPieces(B, new BitSet())));
    assertThat(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(1)))))
        .as("B has not answered yet")
        .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);
    assertThat(s.onPeerLocations(B, List.of(new PeerPieces(B, bits(2)))))
        .as("both answered, two neighbours of 16: nobody to ask yet")
        .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);

    assertThat(of(s.onHave(B, 3), FetchAction.AskPeers.class))
        .as("B has begun to fetch")
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(B));
    assertThat(s.onHave(A, 4))
        .as("B's answer is awaited")
        .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);

    PeerAddress d = new PeerAddress(4, "10.0.0.4", 7004);
    List<FetchAction> fromB =
        s.onPeerLocations(
            B,
            List.of(
                new PeerPieces(B, bits(2, 3)),
                new PeerPieces(C, bits(5)),
                new PeerPieces(d, bits(6))));
    assertThat(of(fromB, FetchAction.AskPeers.class))
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(C, d));
    assertThat(fromB).noneMatch(AskLocations.class::isInstance);
  }

  /**
   * A set that another answer filled meanwhile asks nobody again when a neighbour tells of a piece.
   */
  @Test
  void withNeighbourExchangeASetFilledMeanwhileAsksNobodyAgain() {
    FetchScheduler s = neighbourScheduler(8, 2);
    s.start();
    s.onLocations(List.of(new PeerPieces(A, new BitSet())));
    assertThat(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(1)))))
        .as("one neighbour of 2: short")
        .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);
    assertThat(
            of(s.onLocations(List.of(new PeerPieces(B, new BitSet()))), FetchAction.AskPeers.class))
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(B));
    s.onPeerLocations(B, List.of(new PeerPieces(B, bits(2))));
    assertThat(s.onHave(A, 3))
        .as("two of 2 now")
        .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);
  }

  /**
   * Once every neighbour was asked again and the set is still short, the tracker is asked; three
   * times a fetch at most.
   */
  @Test
  void withNeighbourExchangeTheTrackerIsAskedOnceEveryNeighbourWasAskedAgain() {
    FetchScheduler s = neighbourScheduler(8, 16);
    s.start();
    s.onLocations(List.of(new PeerPieces(A, new BitSet())));
    assertThat(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(1)))))
        .noneMatch(AskLocations.class::isInstance);
    assertThat(of(s.onHave(A, 2), FetchAction.AskPeers.class)).hasSize(1);
    assertThat(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(1, 2)))))
        .as("A, asked again, named nobody: the tracker is next")
        .contains(new AskLocations());

    PeerAddress[] more = {C, new PeerAddress(5, "10.0.0.5", 7005)};
    for (int round = 0; round < more.length; round++) {
      PeerAddress p = more[round];
      assertThat(
              of(
                  s.onLocations(List.of(new PeerPieces(p, new BitSet()))),
                  FetchAction.AskPeers.class))
          .singleElement()
          .satisfies(a -> assertThat(a.peers()).containsExactly(p));
      List<FetchAction> answered =
          s.onPeerLocations(p, List.of(new PeerPieces(p, bits(3 + round))));
      assertThat(answered).noneMatch(AskLocations.class::isInstance);
      List<FetchAction> told = s.onHave(p, 5 + round);
      if (round == 0) {
        assertThat(of(told, FetchAction.AskPeers.class))
            .as("short again: %s, not asked again before, is", p)
            .hasSize(1);
        assertThat(s.onPeerLocations(p, List.of(new PeerPieces(p, bits(3, 5)))))
            .as("the third time short: nobody is asked")
            .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);
      } else {
        assertThat(told)
            .as("three times a fetch at most")
            .noneMatch(a -> a instanceof AskLocations || a instanceof FetchAction.AskPeers);
      }
    }
  }

  /**
   * A fetch of {@code pieces} keeping {@code neighbours} neighbours, 4 requests to peers and 1 to
   * each, on a clock that stands still.
   */
  private static FetchScheduler neighbourScheduler(int pieces, int neighbours) {
    return new FetchScheduler(
        pieces,
        new BitSet(),
        FetchStrategy.torrent(),
        FetchPolicy.standard(new FetchLimits(4, 1, 2), new Random(42)).withNeighbours(neighbours),
        () -> 0L);
  }

  /**
   * The driver's duplicate is the last resort: not while neighbours are still being asked what they
   * hold.
   */
  @Test
  void withNeighbourExchangeNoDuplicateIsAskedOfTheDriverWhileNeighboursAreAsked() {
    FetchScheduler s = neighbourScheduler(1, 2);
    FetchAnyFromDriver any = of(s.start(), FetchAnyFromDriver.class).get(0);
    assertThat(s.onDriverDeclined(any.token())).containsExactly(new AskLocations());

    List<FetchAction> located = s.onLocations(List.of(new PeerPieces(A, new BitSet())));
    assertThat(of(located, FetchAction.AskPeers.class)).hasSize(1);
    assertThat(of(located, FetchAnyFromDriver.class)).as("A has not answered yet").isEmpty();
    assertThat(of(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0)))), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(A));
  }

  @Test
  void withoutNeighbourExchangeNoPeerIsAskedWhileTheDriverIsUp() {
    FetchScheduler s =
        new FetchScheduler(
            8,
            new BitSet(),
            FetchStrategy.torrent(),
            FetchPolicy.standard(new FetchLimits(4, 1, 2), new Random(42)),
            () -> 0L);
    s.start();
    assertThat(s.onLocations(List.of(new PeerPieces(A, new BitSet()))))
        .noneMatch(FetchAction.AskPeers.class::isInstance);
  }
}
