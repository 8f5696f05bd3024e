package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.util.ReferenceCountUtil;
import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.AnnounceMany;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.TestHandlers;
import io.swarmcast.transport.TransportContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authorization by construction, over real sockets, by a node that holds the shared secret (so it
 * passes authentication) and then asks for what its role does not allow: a remove request from
 * anyone but the driver is refused; a piece of an unknown or destroyed broadcast is never served;
 * an executor announcing a piece outside a broadcast is dropped; the driver, not the executor,
 * picks the id an executor is known by.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthorizationIT {
  private static final String SECRET = "authorization test secret";
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private BroadcastManager node(boolean driver, int driverPort) {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, Integer.toString(driverPort))
            .set(SwarmConf.AUTH_SECRET, SECRET)
            .set(SwarmConf.BLOCK_SIZE, "64k")
            .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "5s");
    BroadcastManager m = new BroadcastManager(driver, conf, new SecurityManager(conf));
    started.add(m::stop);
    return m;
  }

  /** A member's transport: it knows the secret. */
  private TransportContext member() {
    SwarmConf conf = new SwarmConf().set(SwarmConf.AUTH_SECRET, SECRET);
    TransportContext t = new TransportContext(conf, new SecurityManager(conf), "member");
    started.add(t);
    return t;
  }

  private static Connection open(TransportContext t, int port, Greeting g) throws Exception {
    return t.connect("127.0.0.1", port, g, TestHandlers.forAll((from, m) -> {}))
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aRemoveRequestFromAPeerIsRefusedAndTheExecutorKeepsItsPieces() throws Exception {
    BroadcastManager driver = node(true, 0);
    BroadcastManager executor = node(false, BroadcastInternals.node(driver).endpoint().port());
    Broadcast<byte[]> b = driver.newBroadcast(random(300_000, 3), false);
    SwarmNodeTestSupport.roundTrip(b).value(); // the executor now holds every piece
    assertThat(BroadcastInternals.node(executor).blockManager().hasPiece(b.id(), 0)).isTrue();

    Connection peer =
        open(
            member(),
            BroadcastInternals.node(executor).endpoint().port(),
            Greeting.hello(77, BroadcastInternals.node(executor).driverIncarnation()));
    assertThatThrownBy(
            () ->
                peer.request(id -> new RemoveBroadcast(id, b.id(), "by a peer"), Ack.class)
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("from the driver only");
    assertThat(BroadcastInternals.node(executor).blockManager().hasPiece(b.id(), 0))
        .as("nothing removed")
        .isTrue();

    Connection asExecutor =
        open(
            member(),
            BroadcastInternals.node(driver).endpoint().port(),
            Greeting.register("127.0.0.1", 9));
    assertThatThrownBy(
            () ->
                asExecutor
                    .request(id -> new RemoveBroadcast(id, b.id(), "by an executor"), Ack.class)
                    .get(10, TimeUnit.SECONDS))
        .hasMessageContaining("the driver does not handle");
    assertThat(BroadcastInternals.node(driver).blockManager().hasPiece(b.id(), 0)).isTrue();
  }

  @Test
  void piecesOfUnknownOrDestroyedBroadcastsAreNeverServed() throws Exception {
    BroadcastManager driver = node(true, 0);
    BroadcastManager executor = node(false, BroadcastInternals.node(driver).endpoint().port());
    Broadcast<byte[]> b = driver.newBroadcast(random(300_000, 4), false);
    SwarmNodeTestSupport.roundTrip(b).value();
    Connection peer =
        open(
            member(),
            BroadcastInternals.node(executor).endpoint().port(),
            Greeting.hello(78, BroadcastInternals.node(executor).driverIncarnation()));
    assertThat(
            peer.request(id -> new FetchPiece(id, b.id(), 0), PieceData.class)
                .get(10, TimeUnit.SECONDS))
        .as("served while it exists")
        .isInstanceOf(PieceData.class)
        .satisfies(ReferenceCountUtil::release);

    b.destroy();
    for (long id : new long[] {b.id(), 987_654L}) {
      assertThatThrownBy(
              () ->
                  peer.request(r -> new FetchPiece(r, id, 0), PieceData.class)
                      .get(10, TimeUnit.SECONDS))
          .hasMessageContaining("does not hold piece 0 of Broadcast(" + id + ")");
    }
    Connection asExecutor =
        open(
            member(),
            BroadcastInternals.node(driver).endpoint().port(),
            Greeting.register("127.0.0.1", 9));
    assertThatThrownBy(
            () ->
                asExecutor
                    .request(r -> new FetchPiece(r, b.id(), 0), PieceData.class)
                    .get(10, TimeUnit.SECONDS))
        .hasMessageContaining("Broadcast(" + b.id() + ") was destroyed");
  }

  @Test
  void anExecutorAnnouncingAPieceOutsideTheBroadcastIsDropped() throws Exception {
    BroadcastManager driver = node(true, 0);
    DriverNode tracker = (DriverNode) BroadcastInternals.node(driver);
    Broadcast<byte[]> b = driver.newBroadcast(random(300_000, 5), false); // 5 pieces of 64 KiB
    Connection liar =
        open(
            member(),
            BroadcastInternals.node(driver).endpoint().port(),
            Greeting.register("127.0.0.1", 9));
    assertThat(tracker.executors()).hasSize(1);

    liar.send(new Announce(987_654L, 0)); // unknown (perhaps just destroyed): ignored, not punished
    liar.send(
        new Announce(
            b.id(), 1)); // in range: recorded (whether it holds it only a fetcher can tell)
    await("the announcement recorded")
        .atMost(Duration.ofSeconds(10))
        .until(() -> tracker.tracker().piecesHeldBy(b.id(), liar.localNodeId()) == 1);
    assertThat(liar.isActive()).isTrue();

    liar.send(new Announce(b.id(), 5));
    liar.closeFuture().get(10, TimeUnit.SECONDS);
    await("the liar unregistered")
        .atMost(Duration.ofSeconds(10))
        .until(() -> tracker.executors().isEmpty());
    assertThat(tracker.tracker().piecesHeldByExecutors(b.id()))
        .as("what it announced is forgotten")
        .isZero();
  }

  @Test
  void anExecutorAnnouncingABatchOfTheWrongShapeIsDropped() throws Exception {
    BroadcastManager driver = node(true, 0);
    DriverNode tracker = (DriverNode) BroadcastInternals.node(driver);
    Broadcast<byte[]> b = driver.newBroadcast(random(300_000, 5), false); // 5 pieces of 64 KiB
    Connection liar =
        open(
            member(),
            BroadcastInternals.node(driver).endpoint().port(),
            Greeting.register("127.0.0.1", 9));
    BitSet two = new BitSet();
    two.set(2);
    two.set(4);

    liar.send(new AnnounceMany(b.id(), 5, two)); // recorded, as one announcement each
    await("the batch recorded")
        .atMost(Duration.ofSeconds(10))
        .until(() -> tracker.tracker().piecesHeldBy(b.id(), liar.localNodeId()) == 2);
    assertThat(liar.isActive()).isTrue();

    liar.send(new AnnounceMany(b.id(), 6, two)); // a broadcast of 6 pieces: not this one
    liar.closeFuture().get(10, TimeUnit.SECONDS);
    await("the liar unregistered")
        .atMost(Duration.ofSeconds(10))
        .until(() -> tracker.executors().isEmpty());
    assertThat(tracker.tracker().piecesHeldByExecutors(b.id()))
        .as("what it announced is forgotten")
        .isZero();
  }

  /**
   * An executor away during a destroy announces what it holds when it rejoins: the driver tells it
   * to drop it.
   */
  @Test
  void anExecutorAnnouncingADestroyedBroadcastIsToldToRemoveIt() throws Exception {
    BroadcastManager driver = node(true, 0);
    Broadcast<byte[]> b = driver.newBroadcast(random(100_000, 6), false);
    b.destroy();
    BlockingQueue<Message> received = new LinkedBlockingQueue<>();
    Connection late =
        member()
            .connect(
                "127.0.0.1",
                BroadcastInternals.node(driver).endpoint().port(),
                Greeting.register("127.0.0.1", 9),
                TestHandlers.forAll((from, m) -> received.add(m)))
            .get(10, TimeUnit.SECONDS);
    late.send(new Announce(b.id(), 0));
    Message m = received.poll(10, TimeUnit.SECONDS);
    assertThat(m)
        .isInstanceOfSatisfying(
            RemoveBroadcast.class,
            r -> {
              assertThat(r.broadcastId()).isEqualTo(b.id());
              assertThat(r.destroyedAt()).isNotEmpty();
            });
  }

  @Test
  void theDriverNotTheExecutorChoosesItsId() throws Exception {
    BroadcastManager driver = node(true, 0);
    TransportContext member = member();
    Connection first =
        open(
            member,
            BroadcastInternals.node(driver).endpoint().port(),
            Greeting.register("127.0.0.1", 9));
    Connection second =
        open(
            member,
            BroadcastInternals.node(driver).endpoint().port(),
            Greeting.register("127.0.0.1", 9));
    assertThat(second.localNodeId())
        .as("the same address does not make the same executor")
        .isNotEqualTo(first.localNodeId());
  }
}
