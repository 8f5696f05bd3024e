package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.swarm.FetchAction.AskLocations;
import io.swarmcast.swarm.FetchAction.BanPeer;
import io.swarmcast.swarm.FetchAction.Fail;
import io.swarmcast.swarm.FetchAction.FetchAnyFromDriver;
import io.swarmcast.swarm.FetchAction.FetchFromPeer;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A fetch with stripe trees ({@link StripeParents}), driven by events alone. */
@Timeout(10)
class FetchSchedulerStripesTest {
  private static final PeerAddress A = new PeerAddress(1, "10.0.0.1", 7001);
  private static final PeerAddress B = new PeerAddress(2, "10.0.0.2", 7002);
  private static final PeerAddress C = new PeerAddress(3, "10.0.0.3", 7003);
  private static final int PIECES = 8;

  private long now = 1_000_000_000L;

  private FetchScheduler scheduler() {
    return scheduler(PIECES, 2, false);
  }

  /** A fetch of {@code pieces} that keeps {@code neighbours}, told to expect stripe parents. */
  private FetchScheduler scheduler(int pieces, int neighbours, boolean requestAhead) {
    FetchScheduler s =
        new FetchScheduler(
            pieces,
            new BitSet(),
            FetchStrategy.torrent(),
            FetchPolicy.standard(new FetchLimits(16, 2, 2, 2), new Random(42))
                .withNeighbours(neighbours),
            () -> now);
    s.expectStripeParents(requestAhead);
    return s;
  }

  @Test
  void theDriverIsNotAskedBeforeTheParentsAreKnownNorByAnExecutorThatRootsNoStripe() {
    FetchScheduler s = scheduler();
    List<FetchAction> first = s.start();
    assertThat(first).containsExactly(new AskLocations());

    List<FetchAction> after = s.onStripeParents(new StripeParents(new int[] {1, 2}, PIECES));
    assertThat(of(after, FetchAnyFromDriver.class)).isEmpty();
    assertThat(of(after, Fail.class))
        .as("waiting for its parents' notices with nothing in flight is not stuck")
        .isEmpty();
  }

  @Test
  void aStripeRootAsksTheDriverForItsOwnStripeOnly() {
    FetchScheduler s = scheduler();
    s.start();
    List<FetchAction> after =
        s.onStripeParents(new StripeParents(new int[] {StripeParents.DRIVER, 2}, PIECES));

    FetchAnyFromDriver any = of(after, FetchAnyFromDriver.class).get(0);
    for (int piece = 0; piece < PIECES; piece++) {
      assertThat(any.exclude().get(piece)).as("piece %d", piece).isEqualTo(piece % 2 == 1);
    }
  }

  @Test
  void aStripesPiecesComeFromItsParentAloneUntilTheParentIsLost() {
    FetchScheduler s = scheduler();
    s.start();
    s.onStripeParents(new StripeParents(new int[] {1, 2}, PIECES));

    // C is no parent; A is stripe 0's (even pieces), B stripe 1's (odd pieces).
    assertThat(of(s.onHave(C, 4), FetchFromPeer.class)).isEmpty();
    assertThat(of(s.onHave(A, 3), FetchFromPeer.class))
        .as("A is not the parent of piece 3's stripe")
        .isEmpty();
    assertThat(of(s.onHave(A, 2), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(A))
        .satisfies(r -> assertThat(r.piece()).isEqualTo(2));
    assertThat(of(s.onHave(B, 3), FetchFromPeer.class))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(B));

    // A's process ends: stripe 0 opens, and C's piece 4 is asked of C.
    List<FetchAction> lost = s.onPeerLost(A);
    assertThat(of(lost, BanPeer.class)).extracting(BanPeer::peerId).containsExactly(1);
    assertThat(of(lost, FetchFromPeer.class))
        .extracting(FetchFromPeer::peer, FetchFromPeer::piece)
        .containsExactly(Tuple.tuple(C, 4));
    assertThat(of(lost, FetchAnyFromDriver.class))
        .as("an opened stripe's fresh pieces stay the root's: the driver sends each piece once")
        .isEmpty();
    assertThat(s.onPeerLost(A)).as("lost once").isEmpty();
  }

  @Test
  void theOrphanOfAStripesRootAsksTheDriverForThatStripesFreshPieces() {
    FetchScheduler s = scheduler();
    s.start();
    // A is the root of stripe 0 (bit 0): its orphans may take its place at the driver.
    s.onStripeParents(new StripeParents(new int[] {1, 2}, 0b01, PIECES));
    assertThat(of(s.onHave(A, 0), FetchAnyFromDriver.class)).isEmpty();

    List<FetchAction> lost = s.onPeerLost(A);
    FetchAnyFromDriver any = of(lost, FetchAnyFromDriver.class).get(0);
    for (int piece = 0; piece < PIECES; piece++) {
      assertThat(any.exclude().get(piece))
          .as("piece %d: stripe 1 stays B's; piece 0 is A's until that request fails", piece)
          .isEqualTo(piece % 2 == 1 || piece == 0);
    }
    assertThat(s.onPeerLost(B).stream().filter(FetchAnyFromDriver.class::isInstance))
        .as("B is no root: its orphan does not ask the driver for stripe 1")
        .allSatisfy(a -> assertThat(((FetchAnyFromDriver) a).exclude().get(1)).isTrue());
  }

  @Test
  void aStripeThatFallsBehindTheOthersIsOpenedToAnyHolder() {
    int pieces = 64; // 32 a stripe: a stripe may fall 8 behind
    FetchScheduler s = scheduler(pieces, 2, false);
    s.start();
    s.onStripeParents(new StripeParents(new int[] {1, 2}, pieces));
    s.onHave(C, 0);
    // B's stripe (odd pieces) comes; A's (even) does not.
    for (int i = 0; i < 8; i++) {
      FetchFromPeer r = of(s.onHave(B, 2 * i + 1), FetchFromPeer.class).get(0);
      assertThat(of(s.onPiece(r.token(), r.piece()), FetchFromPeer.class))
          .as("%d behind: A's stripe still A's", i + 1)
          .noneMatch(f -> f.peer().equals(C));
    }
    FetchFromPeer ninth = of(s.onHave(B, 17), FetchFromPeer.class).get(0);
    assertThat(of(s.onPiece(ninth.token(), 17), FetchFromPeer.class))
        .as("9 behind: stripe 0 is opened, and C's piece 0 asked of C")
        .anySatisfy(f -> assertThat(f.peer()).isEqualTo(C));
  }

  @Test
  void aLostParentsStripeGoesToItsAdoptiveParentAndStaysClosed() {
    FetchScheduler s = scheduler();
    s.start();
    StripeParents place = new StripeParents(new int[] {1, 2}, PIECES);
    place.adoptive(0, 3, C);
    s.onStripeParents(place);
    s.onHave(B, 7); // keeps B busy: what follows is about stripe 0

    List<FetchAction> lost = s.onPeerLost(A);
    assertThat(of(lost, FetchAction.AskPeers.class))
        .as("C is asked what it holds, and from then on tells")
        .singleElement()
        .satisfies(a -> assertThat(a.peers()).containsExactly(C));
    assertThat(of(s.onHave(C, 4), FetchFromPeer.class))
        .as("C serves stripe 0 now")
        .anySatisfy(f -> assertThat(f.peer()).isEqualTo(C));
    assertThat(of(s.onHave(C, 5), FetchFromPeer.class))
        .as("stripe 1 is still B's alone: nothing was opened")
        .noneMatch(f -> f.piece() == 5);

    // C is lost too: its adoption was the stripe's one, so stripe 0 opens to any holder.
    PeerAddress d = new PeerAddress(4, "10.0.0.4", 7004);
    s.onHave(d, 6);
    assertThat(of(s.onPeerLost(C), FetchFromPeer.class))
        .anySatisfy(f -> assertThat(f.peer()).isEqualTo(d));
  }

  @Test
  void laterAnswersDoNotMoveTheExecutorInTheTrees() {
    FetchScheduler s = scheduler();
    s.start();
    s.onStripeParents(new StripeParents(new int[] {1, 2}, PIECES));
    s.onPeerLost(A);
    s.onStripeParents(new StripeParents(new int[] {2, 2}, PIECES));

    assertThat(of(s.onHave(C, 6), FetchFromPeer.class))
        .as("stripe 0 stays open, C serves it as any holder")
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(C));
    assertThat(of(s.onHave(C, 5), FetchFromPeer.class)).as("stripe 1 is still B's").isEmpty();
  }

  @Test
  void theDriverLeavingOpensEveryStripe() {
    FetchScheduler s = scheduler();
    s.start();
    s.onStripeParents(new StripeParents(new int[] {1, 2}, PIECES));
    s.onHave(C, 5);
    List<FetchAction> gone = s.onDriverLost(new IllegalStateException("gone"));
    assertThat(of(gone, FetchFromPeer.class)).extracting(FetchFromPeer::peer).contains(C);
  }

  @Test
  void withRequestsAheadEachParentIsAskedForItsStripesNextPiecesInIndexOrder() {
    FetchScheduler s = scheduler(PIECES, 16, true);
    s.start();
    s.onStripeParents(new StripeParents(new int[] {1, 2}, PIECES));
    assertThat(of(s.onLocations(List.of(new PeerPieces(A, new BitSet()))), FetchFromPeer.class))
        .as("A is not in the table until it tells of a piece")
        .isEmpty();

    // A tells of piece 4: asked for it, and ahead for 0, the lowest of its stripe, which A has not.
    List<FetchFromPeer> asked = of(s.onHave(A, 4), FetchFromPeer.class);
    assertThat(asked)
        .extracting(FetchFromPeer::peer, FetchFromPeer::piece, FetchFromPeer::ahead)
        .containsExactly(Tuple.tuple(A, 4, false), Tuple.tuple(A, 0, true));

    // Piece 0 comes: the next ahead is 2; nothing of stripe 1 until B is known.
    List<FetchFromPeer> next = of(s.onPiece(asked.get(1).token(), 0), FetchFromPeer.class);
    assertThat(next)
        .extracting(FetchFromPeer::peer, FetchFromPeer::piece, FetchFromPeer::ahead)
        .containsExactly(Tuple.tuple(A, 2, true));

    // A is lost: its stripe opens, and nobody is asked ahead for it any more.
    assertThat(of(s.onPeerLost(A), FetchFromPeer.class)).isEmpty();
  }

  private static <T extends FetchAction> List<T> of(List<FetchAction> actions, Class<T> type) {
    return actions.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
