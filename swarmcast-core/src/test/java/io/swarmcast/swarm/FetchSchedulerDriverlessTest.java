package io.swarmcast.swarm;

import static io.swarmcast.TestData.bits;
import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.swarm.FetchAction.AskLocations;
import io.swarmcast.swarm.FetchAction.AskPeers;
import io.swarmcast.swarm.FetchAction.BanPeer;
import io.swarmcast.swarm.FetchAction.Done;
import io.swarmcast.swarm.FetchAction.Fail;
import io.swarmcast.swarm.FetchAction.FetchAnyFromDriver;
import io.swarmcast.swarm.FetchAction.FetchFromPeer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fetch whose driver goes away: it goes on with the peers, learning holders from them, or fails
 * fast.
 */
@Timeout(10)
class FetchSchedulerDriverlessTest {
  private static final PeerAddress A = new PeerAddress(1, "10.0.0.1", 7001);
  private static final PeerAddress B = new PeerAddress(2, "10.0.0.2", 7002);
  private static final PeerAddress C = new PeerAddress(3, "10.0.0.3", 7003);
  private static final PeerAddress D = new PeerAddress(4, "10.0.0.4", 7004);
  private static final IOException GONE = new IOException("connection to driver closed");

  private long now = 5_000_000_000L;

  private FetchScheduler scheduler(int pieces) {
    return scheduler(pieces, FetchPolicy.standard(new FetchLimits(16, 1, 2), new Random(11)));
  }

  private FetchScheduler scheduler(int pieces, FetchPolicy policy) {
    return new FetchScheduler(pieces, new BitSet(), FetchStrategy.torrent(), policy, () -> now);
  }

  @Test
  void aFetchThatKnowsNoPeerFailsAtOnceWhenTheDriverGoes() {
    FetchScheduler s = scheduler(4);
    s.start();
    s.onLocations(List.of());

    List<FetchAction> lost = s.onDriverLost(GONE);

    assertThat(of(lost, Fail.class))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.cause())
                    .hasMessageContaining("knows no other holder")
                    .hasMessageContaining("connection to driver closed"));
  }

  /**
   * The direct strategy has no use for peers: without its driver nothing more can come, so it fails
   * at once (not hang).
   */
  @Test
  void aDirectFetchFailsAtOnceWhenItsDriverGoesEvenIfPeersAreKnown() {
    FetchScheduler s =
        new FetchScheduler(
            3,
            new BitSet(),
            FetchStrategy.direct(),
            FetchPolicy.standard(new FetchLimits(16, 1, 2), new Random(1)),
            () -> now);
    s.start();
    s.onHave(A, 0);

    List<FetchAction> lost = s.onDriverLost(GONE);

    assertThat(of(lost, Fail.class))
        .singleElement()
        .satisfies(f -> assertThat(f.cause()).hasMessageContaining("the driver is gone"));
    assertThat(s.isFinished()).isTrue();
  }

  /**
   * Notices of held pieces from known peers are dropped unbooked; one from a stranger still gets
   * the stranger asked.
   */
  @Test
  void aNoticeOfAHeldPieceBooksNothingUnlessItNamesAPeerNotYetKnown() {
    FetchScheduler s = scheduler(4);
    s.start();
    List<FetchAction> located =
        s.onLocations(List.of(new PeerPieces(A, bits(0)), new PeerPieces(B, bits(1))));
    FetchFromPeer fromA =
        of(located, FetchFromPeer.class).stream()
            .filter(r -> r.peer().equals(A))
            .findFirst()
            .orElseThrow();
    s.onPiece(fromA.token(), 0);
    s.onDriverLost(GONE); // A and B are asked what they hold

    assertThat(s.onHave(B, 0)).as("B is known and piece 0 is held").isEmpty();
    assertThat(of(s.onHave(C, 0), AskPeers.class))
        .as("C is new: asked what it holds")
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(C));
  }

  @Test
  void withoutTheDriverEveryKnownPeerIsAskedOnceAndPeersTheyNameAreAskedToo() {
    FetchScheduler s = scheduler(4);
    s.start();
    s.onLocations(List.of(new PeerPieces(A, bits(0)), new PeerPieces(B, bits(1))));

    List<FetchAction> lost = s.onDriverLost(GONE);

    assertThat(of(lost, FetchAnyFromDriver.class)).isEmpty();
    assertThat(of(lost, AskPeers.class))
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(A, B));
    // A knows C, who holds the pieces nobody else has: C is asked in turn, and its pieces fetched
    // from it.
    List<FetchAction> fromA =
        s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0)), new PeerPieces(C, bits(2, 3))));
    assertThat(of(fromA, AskPeers.class))
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(C));
    assertThat(of(fromA, FetchFromPeer.class)).extracting(FetchFromPeer::peer).contains(C);
    assertThat(of(s.onPeerLocations(B, List.of(new PeerPieces(B, bits(1)))), AskPeers.class))
        .as("nobody new")
        .isEmpty();
    assertThat(s.onDriverLost(GONE)).as("lost once").isEmpty();
  }

  /**
   * The same driver took this executor again after a broken link: the fetch asks it and its tracker
   * once more.
   */
  @Test
  void whenTheDriverComesBackTheFetchAsksItAndItsTrackerAgain() {
    FetchScheduler s = scheduler(4);
    s.start();
    s.onLocations(List.of(new PeerPieces(A, bits(0))));
    List<FetchAction> lost = s.onDriverLost(GONE);
    assertThat(of(lost, AskPeers.class))
        .as("A is asked where pieces are; no failure while it answers")
        .hasSize(1);

    List<FetchAction> back = s.onDriverBack();

    assertThat(of(back, FetchAnyFromDriver.class)).as("the driver is asked again").isNotEmpty();
    assertThat(of(back, AskLocations.class)).as("and its tracker").hasSize(1);
    // A's late answer names no holder of pieces 1-3: with the driver back, that is no reason to
    // fail.
    assertThat(of(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0)))), Fail.class)).isEmpty();
    assertThat(s.isFinished()).isFalse();
    assertThat(s.onDriverBack()).as("back once").isEmpty();
  }

  @Test
  void afterTheDriverGoesTheFetchFinishesFromPeersAlone() {
    FetchScheduler s = scheduler(3);
    s.start(); // the driver's requests from here die with it
    List<FetchAction> pending =
        new ArrayList<>(
            s.onLocations(
                List.of(new PeerPieces(A, bits(0, 1, 2)), new PeerPieces(B, bits(0, 1, 2)))));
    pending.addAll(s.onDriverLost(GONE));
    boolean done = false;
    for (int step = 0; step < 100 && !done; step++) {
      FetchAction a = pending.remove(0);
      if (a instanceof FetchFromPeer r) {
        pending.addAll(s.onPiece(r.token(), r.piece()));
      } else if (a instanceof AskPeers ask) {
        for (PeerAddress p : ask.peers()) {
          pending.addAll(s.onPeerLocations(p, List.of(new PeerPieces(p, bits(0, 1, 2)))));
        }
      } else if (a instanceof Done) {
        done = true;
      } else {
        assertThat(a).isNotInstanceOf(Fail.class).isNotInstanceOf(FetchAnyFromDriver.class);
      }
    }
    assertThat(done).isTrue();
    assertThat(s.held().cardinality()).isEqualTo(3);
  }

  @Test
  void aPieceNoReachableExecutorHoldsFailsTheFetchOnceEveryPeerAnsweredNamingIt() {
    FetchScheduler s = scheduler(5);
    s.start();
    s.onLocations(List.of(new PeerPieces(A, bits(0, 1)), new PeerPieces(B, bits(2))));
    List<FetchAction> lost = s.onDriverLost(GONE);
    assertThat(of(lost, Fail.class)).as("not before the peers answered").isEmpty();

    assertThat(of(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0, 1)))), Fail.class))
        .isEmpty();
    List<FetchAction> last = s.onPeerLocations(B, List.of(new PeerPieces(B, bits(2))));

    assertThat(of(last, Fail.class))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.cause())
                    .hasMessageContaining(
                        "no executor this one can reach holds piece(s) 3, 4 of 5"));
  }

  @Test
  void aPeerThatCannotBeAskedIsBannedAndItsPiecesCountAsUnreachable() {
    FetchScheduler s = scheduler(2);
    s.start();
    List<FetchAction> asked =
        s.onLocations(List.of(new PeerPieces(A, bits(0)), new PeerPieces(B, bits(1))));
    FetchFromPeer toB =
        of(asked, FetchFromPeer.class).stream()
            .filter(r -> r.peer().equals(B))
            .findFirst()
            .orElseThrow();
    s.onDriverLost(GONE);
    s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0))));

    List<FetchAction> failed = s.onPeerLocationsFailed(B, new IOException("refused"));
    assertThat(failed).contains(new BanPeer(B.id(), BanPeer.Reason.FAILED));
    assertThat(of(failed, Fail.class)).as("its piece request is still out").isEmpty();
    List<FetchAction> alsoFailed = s.onSourceFailed(toB.token(), new IOException("refused"));

    assertThat(of(alsoFailed, Fail.class))
        .singleElement()
        .satisfies(f -> assertThat(f.cause()).hasMessageContaining("piece(s) 1 of 2"));
  }

  /**
   * With neighbours, a piece the driver sent last may be on one executor that this one does not
   * neighbour. A neighbour's answer names it, but the piece is left to spread through the
   * neighbours while pieces still come; the named holder is asked only once they stop for 16 of the
   * usual gaps, and the fetch asks to be woken then. Fetching from every holder named had all of
   * 1,000 simulated executors connect to each such holder.
   */
  @Test
  void withNeighboursAHolderANeighbourNamesIsAskedOnlyOncePiecesStopComing() {
    FetchScheduler s =
        scheduler(
            4, FetchPolicy.standard(new FetchLimits(16, 1, 2), new Random(11)).withNeighbours(2));
    s.start();
    s.onLocations(List.of(new PeerPieces(A, new BitSet()), new PeerPieces(B, new BitSet())));
    List<FetchAction> fetching =
        new ArrayList<>(s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0, 1, 2)))));
    fetching.addAll(s.onPeerLocations(B, List.of(new PeerPieces(B, bits(0, 1, 2)))));
    List<FetchFromPeer> requests = new ArrayList<>(of(fetching, FetchFromPeer.class));
    assertThat(requests).hasSize(2);
    // D, not a neighbour, tells of a piece: known, but not asked when the driver goes.
    s.onHave(D, 0);

    FetchFromPeer first = requests.remove(0);
    requests.addAll(of(s.onPiece(first.token(), first.piece()), FetchFromPeer.class));
    assertThat(of(s.onDriverLost(GONE), AskPeers.class))
        .as("the neighbours alone, asked again")
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactlyInAnyOrder(A, B));
    List<FetchAction> fromA =
        s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0, 1, 2)), new PeerPieces(C, bits(3))));
    List<FetchAction> fromB = s.onPeerLocations(B, List.of(new PeerPieces(B, bits(0, 1, 2))));
    for (List<FetchAction> answer : List.of(fromA, fromB)) {
      assertThat(of(answer, AskPeers.class)).as("C is not asked yet").isEmpty();
      assertThat(of(answer, FetchFromPeer.class)).extracting(FetchFromPeer::peer).doesNotContain(C);
      assertThat(of(answer, Fail.class)).as("piece 3 may still come").isEmpty();
      requests.addAll(of(answer, FetchFromPeer.class));
    }

    // The other pieces come 2 ms apart: the usual gap, so the wait is 32 ms.
    while (!requests.isEmpty()) {
      FetchFromPeer r = requests.remove(0);
      now += 2_000_000;
      List<FetchAction> next = s.onPiece(r.token(), r.piece());
      assertThat(of(next, AskPeers.class)).isEmpty();
      requests.addAll(of(next, FetchFromPeer.class));
    }
    assertThat(s.held()).isEqualTo(bits(0, 1, 2));
    long lastPieceAt = now;

    // Whatever wake-up was pending fires; the fetch asks for the next at the end of the wait.
    List<FetchAction> woken = s.onTimer();
    assertThat(of(woken, AskPeers.class)).isEmpty();
    assertThat(of(woken, FetchAction.WakeAt.class))
        .singleElement()
        .satisfies(w -> assertThat(w.nanoTime()).isEqualTo(lastPieceAt + 32_000_000));
    now = lastPieceAt + 31_000_000;
    List<FetchAction> early = s.onTimer();
    assertThat(of(early, AskPeers.class)).as("still waiting").isEmpty();
    assertThat(of(early, Fail.class)).isEmpty();
    now = lastPieceAt + 32_000_000;
    assertThat(of(s.onTimer(), AskPeers.class))
        .as("pieces stopped: C, which holds piece 3, is asked first")
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).startsWith(C).doesNotContain(A, B));
    assertThat(of(s.onPeerLocations(C, List.of(new PeerPieces(C, bits(3)))), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(C));
  }

  /** Without neighbours nothing waits: a piece nobody reachable holds fails the fetch at once. */
  @Test
  void withoutNeighboursAStoredPieceDoesNotDelayTheFailureOfAnUnreachableOne() {
    FetchScheduler s = scheduler(3);
    s.start();
    List<FetchAction> asked = s.onLocations(List.of(new PeerPieces(A, bits(0))));
    FetchFromPeer toA = of(asked, FetchFromPeer.class).get(0);
    s.onPiece(toA.token(), toA.piece());
    s.onDriverLost(GONE);

    List<FetchAction> answer = s.onPeerLocations(A, List.of(new PeerPieces(A, bits(0))));

    assertThat(of(answer, Fail.class))
        .singleElement()
        .satisfies(f -> assertThat(f.cause()).hasMessageContaining("holds piece(s) 1, 2 of 3"));
  }

  private static <T extends FetchAction> List<T> of(List<FetchAction> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
