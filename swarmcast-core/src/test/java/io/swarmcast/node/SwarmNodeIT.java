package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastException;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Hello;
import io.swarmcast.protocol.Locations;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.protocol.RegisterExecutor;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.storage.PieceMemory;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.HandshakeException;
import io.swarmcast.transport.MessageHandler;
import io.swarmcast.transport.RawSocket;
import io.swarmcast.transport.TestHandlers;
import io.swarmcast.transport.TransportContext;
import io.swarmcast.transport.TransportServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A driver and an executor node in this JVM over real sockets on 127.0.0.1, with hostile and broken
 * peers: garbage frames, unregistered requests, a wrong protocol version, and a peer serving
 * corrupt pieces.
 *
 * <p>Many tests stand fake holders beside the real nodes: protocol-level clients that register,
 * announce pieces and answer piece requests, but not location questions. They exercise what the
 * tracker's {@code Locations} and relay tell a fetcher, so the nodes here run with the relay
 * ({@code swarmcast.tracker.neighbours=0}); with neighbours, the default, a fetcher learns a
 * holder's pieces from the holder itself (NeighbourExchangeIT, and the command line's ITs, run
 * that).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwarmNodeIT {
  /** The tracker's relay, for the fake holders (see the class comment). */
  private static final String RELAY = "0";

  private BroadcastManager driverManager;
  private DriverNode driver;

  @BeforeEach
  void startDriver() {
    startDriver(new SwarmConf());
  }

  /**
   * Replaces the driver with one configured by {@code conf} plus the tests' port, block size and
   * codec.
   */
  private void startDriver(SwarmConf conf) {
    if (driverManager != null) {
      driverManager.stop();
    }
    conf.set(SwarmConf.DRIVER_PORT, "0")
        .set(SwarmConf.BLOCK_SIZE, "64k")
        .set(SwarmConf.COMPRESS, "none")
        .set(SwarmConf.TRACKER_NEIGHBOURS, RELAY);
    driverManager = new BroadcastManager(true, conf, SecurityManager.insecure());
    driver = (DriverNode) BroadcastInternals.node(driverManager);
  }

  @AfterEach
  void stop() {
    driverManager.stop();
  }

  private BroadcastManager startExecutor() {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()))
            .set(SwarmConf.KRYO_CLASSES, Model.class.getName())
            .set(SwarmConf.TRACKER_NEIGHBOURS, RELAY);
    return new BroadcastManager(false, conf, SecurityManager.insecure());
  }

  /** Not Serializable: only Kryo can broadcast it. */
  static final class Model {
    Map<String, float[]> weights = new HashMap<>();
  }

  @ParameterizedTest
  @CsvSource({"kryo, zstd", "kryo, lz4", "java, none", "java, zstd"})
  void everySerializerAndCodecCarriesAValueEndToEnd(String serializer, String codec)
      throws Exception {
    driverManager.stop();
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, "0")
            .set(SwarmConf.BLOCK_SIZE, "64k")
            .set(SwarmConf.SERIALIZER, serializer)
            .set(SwarmConf.COMPRESS, codec)
            .set(
                SwarmConf.KRYO_CLASSES,
                Model.class.getName()); // Kryo requires registration by default
    driverManager = new BroadcastManager(true, conf, SecurityManager.insecure());
    driver = (DriverNode) BroadcastInternals.node(driverManager);
    Object value;
    if (serializer.equals("kryo")) {
      Model m = new Model();
      m.weights.put("layer", new float[] {1f, 2f, 3f});
      m.weights.put("big", new float[200_000]);
      value = m;
    } else {
      value = random(500_000, 4);
    }
    try (BroadcastManager executor = startExecutor()) {
      Broadcast<Object> b = driverManager.newBroadcast(value, false);
      Object read = SwarmNodeTestSupport.roundTrip(b).value();
      assertThat(read).isNotSameAs(value);
      if (read instanceof Model m) {
        assertThat(m.weights.get("layer")).containsExactly(1f, 2f, 3f);
        assertThat(m.weights.get("big")).hasSize(200_000);
      } else {
        assertThat((byte[]) read).isEqualTo((byte[]) value);
      }
      assertThat(BroadcastInternals.node(executor).stats().of(b.id()).fromDriverBytes())
          .isPositive();
    }
  }

  @Test
  void aByteArrayGoesAsItIsWhateverTheSerializerAndTheReadersFilterStillBoundsIt()
      throws Exception {
    driverManager.stop();
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, "0")
            .set(SwarmConf.BLOCK_SIZE, "64k")
            .set(SwarmConf.SERIALIZER, "kryo");
    driverManager = new BroadcastManager(true, conf, SecurityManager.insecure());
    driver = (DriverNode) BroadcastInternals.node(driverManager);
    SwarmConf executorConf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()))
            .set(SwarmConf.JAVA_FILTER, "maxarray=100000");
    try (BroadcastManager executor =
        new BroadcastManager(false, executorConf, SecurityManager.insecure())) {
      byte[] small = random(100_000, 5);
      assertThat(
              (byte[])
                  SwarmNodeTestSupport.roundTrip(driverManager.newBroadcast(small, false)).value())
          .isEqualTo(small);
      // Kryo never consults the Java filter: that it refuses this one shows the handle named the
      // byte[] serializer.
      Broadcast<byte[]> big =
          SwarmNodeTestSupport.roundTrip(driverManager.newBroadcast(random(100_001, 6), false));
      assertThatThrownBy(big::value)
          .isInstanceOf(BroadcastException.class)
          .hasMessageContaining("byte[100001]")
          .hasMessageContaining("maxarray=100000");
    }
  }

  @Test
  void garbageAndOversizedFramesCloseOnlyThatConnection() throws Exception {
    byte[][] attacks = {
      random(4096, 1), // noise
      {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}, // 2 GiB length prefix
      {0, 0, 0, 1, (byte) 200}, // unknown message type
      {0, 0, 0, 3, 1, 0, 0}, // truncated RegisterExecutor
      {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, // negative length
    };
    for (byte[] attack : attacks) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", driver.endpoint().port()), 5000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(attack);
        s.getOutputStream().flush();
        assertThat(readUntilClosed(s.getInputStream()))
            .as("driver closes the connection after %s", Arrays.toString(Arrays.copyOf(attack, 5)))
            .isTrue();
      }
    }
    // The driver still works for honest executors.
    try (BroadcastManager executor = startExecutor()) {
      byte[] value = random(300_000, 2);
      Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
      Broadcast<byte[]> shipped = SwarmNodeTestSupport.roundTrip(b);
      assertThat(shipped.value()).isEqualTo(value);
    }
  }

  @Test
  void requestsBeforeRegistrationAndWrongVersionsAreRefused() throws Exception {
    try (RawSocket s = new RawSocket(driver.endpoint().port())) {
      s.send(new FetchPiece(1, 0, 0));
      assertThat(s.read())
          .isInstanceOfSatisfying(
              Failure.class, f -> assertThat(f.message()).contains("handshake first"));
      assertThat(s.closedByPeer()).isTrue();
    }
    try (RawSocket s = new RawSocket(driver.endpoint().port())) {
      s.send(new RegisterExecutor(2, 99, "127.0.0.1", 1));
      assertThat(s.read())
          .isInstanceOfSatisfying(
              Failure.class,
              f -> assertThat(f.message()).contains("protocol version 99 is not supported"));
      assertThat(s.closedByPeer()).isTrue();
    }
    try (TransportContext transport =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "probe")) {
      assertThatThrownBy(
              () ->
                  transport
                      .connect(
                          "127.0.0.1",
                          driver.endpoint().port(),
                          Greeting.hello(5),
                          TestHandlers.forAll((from, m) -> {}))
                      .get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(HandshakeException.class)
          .hasMessageContaining("127.0.0.1:" + driver.endpoint().port())
          .hasMessageContaining("the driver takes RegisterExecutor, not Hello");
    }
    assertThat(driver.executors()).as("nobody registered").isEmpty();
  }

  /**
   * An executor takes removals and tasks from its driver only, and answers peers' questions about
   * broadcasts.
   */
  @Test
  void anExecutorRefusesWhatAPeerMayNotAskOfIt() throws Exception {
    try (BroadcastManager executor = startExecutor();
        TransportContext transport =
            new TransportContext(new SwarmConf(), SecurityManager.insecure(), "peer")) {
      Connection peer =
          transport
              .connect(
                  "127.0.0.1",
                  BroadcastInternals.node(executor).endpoint().port(),
                  Greeting.hello(99, BroadcastInternals.node(executor).driverIncarnation()),
                  TestHandlers.forAll((from, m) -> {}))
              .get(5, TimeUnit.SECONDS);
      assertThatThrownBy(
              () -> peer.request(id -> new RemoveBroadcast(id, 1)).get(5, TimeUnit.SECONDS))
          .hasMessageContaining("from the driver only");
      assertThat(peer.request(id -> new GetLocations(id, 1)).get(5, TimeUnit.SECONDS))
          .as(
              "peers may ask where pieces are (peer exchange), also before this executor fetches the broadcast: it holds none yet")
          .isInstanceOfSatisfying(
              Locations.class,
              l ->
                  assertThat(l.holders())
                      .singleElement()
                      .satisfies(h -> assertThat(h.pieces().isEmpty()).isTrue()));
      assertThatThrownBy(
              () ->
                  peer.request(id -> new Hello(id, Message.PROTOCOL_VERSION, 99))
                      .get(5, TimeUnit.SECONDS))
          .hasMessageContaining("handshake is already done");
      assertThat(peer.isActive()).isTrue();
      assertThatThrownBy(
              () ->
                  transport
                      .connect(
                          "127.0.0.1",
                          BroadcastInternals.node(executor).endpoint().port(),
                          Greeting.register("127.0.0.1", 1),
                          TestHandlers.forAll((from, m) -> {}))
                      .get(5, TimeUnit.SECONDS))
          .hasMessageContaining("executors take Hello, not RegisterExecutor");
    }
  }

  /**
   * A broadcast outlives its driver once seeded: the only other holder is slow, the driver is
   * stopped while the executor fetches, and the fetch goes on with the holder, which it asks (not
   * the gone tracker) where pieces are, and finishes.
   */
  @Test
  void aFetchGoesOnWithThePeersWhenTheDriverDies() throws Exception {
    startDriver(
        new SwarmConf()
            .set(SwarmConf.DRIVER_SPARE_COPIES, "0")); // once every piece is out, it declines
    byte[] value = random(512 << 10, 12);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    int pieces = driver.blockManager().piecesHeld(b.id(), 1 << 10).cardinality();
    Map<Integer, byte[]> copy = new HashMap<>();
    for (int p = 0; p < pieces; p++) {
      ByteBuf buf = driver.blockManager().getPiece(b.id(), p);
      copy.put(p, ByteBufUtil.getBytes(buf));
      buf.release();
    }
    AtomicInteger askedWhere = new AtomicInteger();
    try (TransportContext holders =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "seeder")) {
      int[] seederId = new int[1];
      int[] seederPort = new int[1];
      MessageHandler seeder =
          TestHandlers.forAll(
              (from, m) -> {
                if (m instanceof FetchPiece f) { // slowly, so the driver dies mid-fetch
                  from.schedule(
                      () ->
                          from.send(
                              new PieceData(
                                  f.requestId(),
                                  f.broadcastId(),
                                  f.piece(),
                                  Unpooled.wrappedBuffer(copy.get(f.piece())))),
                      Duration.ofMillis(150));
                } else if (m instanceof GetLocations g) {
                  askedWhere.incrementAndGet();
                  BitSet all = new BitSet();
                  all.set(0, pieces);
                  from.send(
                      new Locations(
                          g.requestId(),
                          g.broadcastId(),
                          pieces,
                          List.of(
                              new Locations.Holder(seederId[0], "127.0.0.1", seederPort[0], all))));
                }
              });
      TransportServer server = holders.listen("127.0.0.1", 0, TestHandlers.admitAll(), seeder);
      seederPort[0] = server.port();
      Connection toDriver =
          holders
              .connect(
                  "127.0.0.1",
                  driver.endpoint().port(),
                  Greeting.register("127.0.0.1", server.port()),
                  seeder)
              .get(5, TimeUnit.SECONDS);
      seederId[0] = toDriver.localNodeId();
      // The seeder takes every piece from the driver, as a first executor would: the driver has
      // sent each once, so it sends the executor under test none, and all must come from the slow
      // seeder.
      BitSet got = new BitSet();
      for (int p = 0; p < pieces; p++) {
        BitSet exclude = (BitSet) got.clone();
        PieceData d =
            (PieceData)
                toDriver
                    .request(
                        id -> new FetchAnyPiece(id, b.id(), false, pieces, exclude),
                        PieceData.class)
                    .get(5, TimeUnit.SECONDS);
        got.set(d.piece());
        d.release();
        toDriver.send(new Announce(b.id(), d.piece()));
      }
      awaitHeld(b.id(), pieces);

      try (BroadcastManager executor = startExecutor()) {
        CompletableFuture<byte[]> read =
            CompletableFuture.supplyAsync(SwarmNodeTestSupport.roundTrip(b)::value);
        await("the executor holds a first piece")
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    !BroadcastInternals.node(executor)
                        .blockManager()
                        .piecesHeld(b.id(), pieces)
                        .isEmpty());
        assertThat(read).as("still fetching when the driver dies").isNotDone();
        driverManager.stop();

        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(value);
        assertThat(askedWhere.get()).as("the seeder was asked where pieces are").isPositive();
      } finally {
        startDriver(); // for @AfterEach
      }
    }
  }

  /**
   * A peer of another driver, or of this driver's previous run, is refused at the handshake, naming
   * both incarnations.
   */
  @Test
  void anExecutorRefusesPeersOfAnotherDriverIncarnation() throws Exception {
    try (BroadcastManager executor = startExecutor();
        TransportContext transport =
            new TransportContext(new SwarmConf(), SecurityManager.insecure(), "stranger")) {
      long mine = BroadcastInternals.node(executor).driverIncarnation();
      assertThat(mine).isEqualTo(driver.driverIncarnation()).isNotZero();
      for (long other : new long[] {0, mine + 1}) {
        assertThatThrownBy(
                () ->
                    transport
                        .connect(
                            "127.0.0.1",
                            BroadcastInternals.node(executor).endpoint().port(),
                            Greeting.hello(7, other),
                            TestHandlers.forAll((from, m) -> {}))
                        .get(5, TimeUnit.SECONDS))
            .hasCauseInstanceOf(HandshakeException.class)
            .hasMessageContaining("belongs to driver incarnation " + Long.toHexString(other))
            .hasMessageContaining(Long.toHexString(mine));
      }
    }
  }

  @Test
  void aLaterBroadcastReusesThePieceMemoryOfADestroyedOne() throws Exception {
    byte[] value = random(1 << 20, 21); // 16 pieces of 64 KiB
    try (BroadcastManager executor = startExecutor()) {
      PieceMemory received = BroadcastInternals.node(executor).blockManager().memory();
      PieceMemory cut = driver.blockManager().memory();
      Broadcast<byte[]> first = driverManager.newBroadcast(value, false);
      assertThat(SwarmNodeTestSupport.roundTrip(first).value()).isEqualTo(value);
      long freshAfterFirst = received.freshBytes();
      assertThat(freshAfterFirst)
          .as("the first broadcast's pieces are fresh memory")
          .isGreaterThanOrEqualTo(value.length);
      first.destroy();
      assertThat(received.idleBytes())
          .as("destroyed, the pieces' memory is kept")
          .isGreaterThanOrEqualTo(value.length);

      byte[] other = random(1 << 20, 22);
      Broadcast<byte[]> second = driverManager.newBroadcast(other, false);
      assertThat(SwarmNodeTestSupport.roundTrip(second).value()).isEqualTo(other);
      assertThat(received.freshBytes())
          .as("the second one's pieces reuse it")
          .isEqualTo(freshAfterFirst);
      assertThat(received.reusedBytes()).isGreaterThanOrEqualTo(value.length);
      assertThat(cut.reusedBytes()).as("so do the driver's blocks").isPositive();
    }
  }

  @Test
  void corruptPiecesFromAPeerAreRejectedAndFetchedElsewhere() throws Exception {
    byte[] value = random(1 << 20, 3);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    AtomicInteger corruptServed = new AtomicInteger();

    try (TransportContext transport =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "liar")) {
      // A registered "executor" that claims every piece and answers each request with garbage.
      MessageHandler liar =
          fakePeer(
              (from, f) -> {
                corruptServed.incrementAndGet();
                from.send(
                    new PieceData(
                        f.requestId(),
                        f.broadcastId(),
                        f.piece(),
                        Unpooled.wrappedBuffer(random(65536, f.piece()))));
              });
      Connection toDriver = registerFake(transport, liar);
      for (int i = 0; i < 17; i++) {
        toDriver.send(new Announce(b.id(), i));
      }
      awaitHeld(b.id(), 17);

      try (BroadcastManager executor = startExecutor()) {
        Broadcast<byte[]> shipped = SwarmNodeTestSupport.roundTrip(b);
        assertThat(shipped.value()).isEqualTo(value);
        assertThat(corruptServed.get())
            .as("the executor asked the liar, then stopped")
            .isBetween(1, 4);
        assertThat(BroadcastInternals.node(executor).stats().of(b.id()).corruptPieces())
            .as("corrupt pieces counted")
            .isBetween(1L, (long) corruptServed.get());
        assertThat(BroadcastInternals.node(executor).stats().of(b.id()).fromDriverBytes())
            .isGreaterThanOrEqualTo(value.length);
      }
    }
  }

  /**
   * Have notices name only a piece's first two holders. A fetcher whose known holders die must
   * learn the others from the tracker, not wait for duplicates from the driver.
   */
  @Test
  void aFetcherWhoseKnownHoldersDieFindsTheUnannouncedOnes() throws Exception {
    // No spare copies: the driver must run out of fresh pieces, so the fetcher has to find a peer.
    startDriver(new SwarmConf().set(SwarmConf.DRIVER_SPARE_COPIES, "0"));
    byte[] value = random(1 << 20, 4);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    int pieces =
        driver
            .blockManager()
            .piecesHeld(b.id(), 1 << 10)
            .cardinality(); // 17: 64 KiB each and a tail
    AtomicInteger askedTheDead = new AtomicInteger();
    AtomicInteger servedByThird = new AtomicInteger();
    Map<Integer, byte[]> thirdHolds = new ConcurrentHashMap<>();

    try (TransportContext dying =
            new TransportContext(new SwarmConf(), SecurityManager.insecure(), "dying");
        TransportContext alive =
            new TransportContext(new SwarmConf(), SecurityManager.insecure(), "third")) {
      // The first two holders of every piece (relayed): they never answer, and will die.
      MessageHandler silent = fakePeer((from, f) -> askedTheDead.incrementAndGet());
      // The third holder (recorded, not relayed): got every piece from the driver, serves them.
      MessageHandler honest =
          fakePeer(
              (from, f) -> {
                servedByThird.incrementAndGet();
                from.send(
                    new PieceData(
                        f.requestId(),
                        f.broadcastId(),
                        f.piece(),
                        Unpooled.wrappedBuffer(thirdHolds.get(f.piece()))));
              });
      for (int i = 0; i < 2; i++) {
        Connection toDriver = registerFake(dying, silent);
        for (int p = 0; p < pieces; p++) {
          toDriver.send(new Announce(b.id(), p));
        }
      }
      awaitHeld(b.id(), 2 * pieces);

      try (BroadcastManager executor = startExecutor()) {
        Broadcast<byte[]> shipped = SwarmNodeTestSupport.roundTrip(b);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(shipped::value);
        await("the fetcher waits on the two relayed holders")
            .atMost(Duration.ofSeconds(10))
            .until(() -> askedTheDead.get() >= 2);

        // Now the third holder of every piece appears; the fetcher is not told.
        Connection third = registerFake(alive, honest);
        // It takes what the driver never sent (the fetcher got its first pieces from the driver, in
        // parallel with asking where the rest are), so the driver has no fresh piece left for
        // anyone.
        BitSet none = new BitSet();
        for (Message m = null; !(m instanceof Ack); ) {
          m =
              third
                  .request(
                      id -> new FetchAnyPiece(id, b.id(), false, pieces, none),
                      PieceData.class,
                      Ack.class)
                  .get(5, TimeUnit.SECONDS);
          if (m instanceof PieceData d) {
            thirdHolds.put(d.piece(), takeBytes(d));
            third.send(new Announce(b.id(), d.piece()));
          }
        }
        int fromDriverAtStart = pieces - thirdHolds.size();
        assertThat(fromDriverAtStart)
            .as("pieces the fetcher asked the driver for before it knew holders")
            .isBetween(0, 2);
        awaitHeld(
            b.id(), 3 * pieces); // two claimed holders, and the third's and the fetcher's pieces
        dying.close();

        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(value);
        assertThat(servedByThird.get())
            .as("pieces the fetcher got from the unannounced holder")
            .isPositive();
        var stats = BroadcastInternals.node(executor).stats().of(b.id());
        long serialized = 0;
        for (int p = 0; p < pieces; p++) {
          ByteBuf piece = driver.blockManager().getPiece(b.id(), p);
          serialized += piece.readableBytes();
          piece.release();
        }
        assertThat(stats.fromPeersBytes() + stats.fromDriverBytes())
            .as("no piece twice, no duplicates from the driver")
            .isEqualTo(serialized);
      }
    }
  }

  /**
   * The end game: of a piece's two holders, one never answers. Its requests must not wait for the
   * network timeout (30 s): once nothing else is left to ask, the other holder is asked too.
   */
  @Test
  void aPieceStuckAtASilentHolderIsAlsoAskedOfAnother() throws Exception {
    byte[] value = random(1 << 20, 5);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    int pieces = driver.blockManager().piecesHeld(b.id(), 1 << 10).cardinality();
    AtomicInteger askedTheSilent = new AtomicInteger();
    AtomicInteger servedByHonest = new AtomicInteger();

    try (TransportContext holders =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "holders")) {
      MessageHandler silent = fakePeer((from, f) -> askedTheSilent.incrementAndGet());
      MessageHandler honest =
          fakePeer(
              (from, f) -> {
                servedByHonest.incrementAndGet();
                from.send(
                    new PieceData(
                        f.requestId(),
                        f.broadcastId(),
                        f.piece(),
                        driver.blockManager().getPiece(f.broadcastId(), f.piece())));
              });
      for (MessageHandler holder : List.of(silent, honest)) {
        Connection toDriver = registerFake(holders, holder);
        for (int p = 0; p < pieces; p++) {
          toDriver.send(new Announce(b.id(), p));
        }
      }
      awaitHeld(b.id(), 2 * pieces);

      try (BroadcastManager executor = startExecutor()) {
        long t0 = System.nanoTime();
        assertThat(
                CompletableFuture.supplyAsync(SwarmNodeTestSupport.roundTrip(b)::value)
                    .get(15, TimeUnit.SECONDS))
            .isEqualTo(value);
        assertThat(askedTheSilent.get()).as("the silent holder was asked").isPositive();
        assertThat(servedByHonest.get()).isPositive();
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0))
            .as("well within the 30 s network timeout")
            .isLessThan(10);
      }
    }
  }

  /**
   * A stalled peer: the only holder of every piece takes requests and never answers. After {@code
   * fetch.peerTimeout} its requests are dropped and it is not asked again, so the pieces come from
   * the driver, long before the network timeout (set to a minute here) would have ended them.
   */
  @Test
  void aSoleHolderThatNeverAnswersIsGivenUpAfterThePeerTimeout() throws Exception {
    byte[] value = random(512 << 10, 8);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    int pieces = driver.blockManager().piecesHeld(b.id(), 1 << 10).cardinality();
    AtomicInteger askedTheSilent = new AtomicInteger();
    try (TransportContext holders =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "stalled")) {
      Connection toDriver =
          registerFake(holders, fakePeer((from, f) -> askedTheSilent.incrementAndGet()));
      for (int p = 0; p < pieces; p++) {
        toDriver.send(new Announce(b.id(), p));
      }
      awaitHeld(b.id(), pieces);
      SwarmConf conf =
          new SwarmConf()
              .set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()))
              .set(SwarmConf.FETCH_PEER_TIMEOUT, "1s")
              .set(SwarmConf.NETWORK_TIMEOUT, "60s")
              .set(SwarmConf.TRACKER_NEIGHBOURS, RELAY);
      try (BroadcastManager executor =
          new BroadcastManager(false, conf, SecurityManager.insecure())) {
        long t0 = System.nanoTime();
        assertThat(
                CompletableFuture.supplyAsync(SwarmNodeTestSupport.roundTrip(b)::value)
                    .get(20, TimeUnit.SECONDS))
            .isEqualTo(value);
        // Asked at least once; more if the driver's first pieces (asked for before the locations
        // came) made a request to it redundant, which is then cancelled and the holder asked for
        // another.
        assertThat(askedTheSilent.get()).as("the silent holder was asked").isPositive();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
            .as("about the 1 s peer timeout")
            .isBetween(900L, 10_000L);
        assertThat(BroadcastInternals.node(executor).stats().of(b.id()).fromDriverBytes())
            .as("every byte came from the driver in the end")
            .isEqualTo(driver.blockManager().bytesStored());
      }
    }
  }

  /**
   * Spare copies: once every piece is out, the driver still sends a broadcast no larger than
   * spareCopyBytes to an executor that asks, but a larger one only once.
   */
  @ParameterizedTest
  @CsvSource({"32768, true", "1048576, false"})
  void onlyBroadcastsUpToSpareCopyBytesGetSpareCopies(int size, boolean spares) throws Exception {
    startDriver(new SwarmConf().set(SwarmConf.DRIVER_SPARE_COPIES, "64k"));
    Broadcast<byte[]> b = driverManager.newBroadcast(random(size, 6), false);
    int pieces = driver.blockManager().piecesHeld(b.id(), 1 << 10).cardinality();
    MessageHandler idle = fakePeer((from, f) -> {});
    try (TransportContext fakes =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "fakes")) {
      Connection first = registerFake(fakes, idle);
      Connection second = registerFake(fakes, idle);
      BitSet none = new BitSet();
      for (int i = 0; i < pieces; i++) { // the first takes every fresh piece
        Message fresh =
            first
                .request(id -> new FetchAnyPiece(id, b.id(), false, pieces, none), PieceData.class)
                .get(5, TimeUnit.SECONDS);
        ((PieceData) fresh).data().release();
      }
      Message m =
          second
              .request(
                  id -> new FetchAnyPiece(id, b.id(), false, pieces, none),
                  PieceData.class,
                  Ack.class)
              .get(5, TimeUnit.SECONDS);
      if (m instanceof PieceData d) {
        d.data().release();
      }
      assertThat(m)
          .as("%d bytes in %d pieces", size, pieces)
          .isInstanceOf(spares ? PieceData.class : Ack.class);
    }
  }

  /**
   * A one-piece broadcast is asked of the driver alone, which sends it (a spare copy if need be):
   * the executor neither asks the tracker nor hears of other copies. A larger one asks both at
   * once.
   */
  @Test
  void aOnePieceBroadcastComesFromTheDriverWithoutAskingTheTracker() throws Exception {
    byte[] small = random(1024, 7);
    byte[] large = random(1 << 20, 8);
    Broadcast<byte[]> one = driverManager.newBroadcast(small, false);
    Broadcast<byte[]> many = driverManager.newBroadcast(large, false);
    try (BroadcastManager executor = startExecutor()) {
      assertThat(SwarmNodeTestSupport.roundTrip(one).value()).isEqualTo(small);
      var stats = BroadcastInternals.node(executor).stats().of(one.id());
      assertThat(stats.fromDriverBytes())
          .as("the whole piece, from the driver")
          .isEqualTo(BroadcastInternals.serializedBytes(one));
      assertThat(stats.fromPeersBytes()).isZero();
      assertThat(driver.tracker().locationsAnswered()).as("questions about the one piece").isZero();
      assertThat(SwarmNodeTestSupport.roundTrip(many).value()).isEqualTo(large);
      assertThat(driver.tracker().locationsAnswered())
          .as("questions about the 17 pieces")
          .isEqualTo(1);
    }
  }

  /**
   * When the driver declines (no spare copies, its one piece already sent), the one-piece fetch
   * asks the tracker and gets the piece from its holder, not a duplicate from the driver.
   */
  @Test
  void aOnePieceBroadcastTheDriverDeclinesComesFromItsHolder() throws Exception {
    startDriver(new SwarmConf().set(SwarmConf.DRIVER_SPARE_COPIES, "0"));
    byte[] value = random(1024, 9);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    AtomicInteger served = new AtomicInteger();
    AtomicReference<byte[]> held = new AtomicReference<>();
    try (TransportContext fakes =
        new TransportContext(new SwarmConf(), SecurityManager.insecure(), "holder")) {
      Connection holder =
          registerFake(
              fakes,
              fakePeer(
                  (from, f) -> {
                    served.incrementAndGet();
                    from.send(
                        new PieceData(
                            f.requestId(),
                            f.broadcastId(),
                            f.piece(),
                            Unpooled.wrappedBuffer(held.get())));
                  }));
      Message m =
          holder
              .request(id -> new FetchAnyPiece(id, b.id(), false, 1, new BitSet()), PieceData.class)
              .get(5, TimeUnit.SECONDS);
      held.set(takeBytes((PieceData) m));
      holder.send(new Announce(b.id(), 0));
      awaitHeld(b.id(), 1);

      try (BroadcastManager executor = startExecutor()) {
        assertThat(SwarmNodeTestSupport.roundTrip(b).value()).isEqualTo(value);
        var stats = BroadcastInternals.node(executor).stats().of(b.id());
        assertThat(stats.fromDriverBytes()).as("no duplicate from the driver").isZero();
        assertThat(stats.fromPeersBytes()).isEqualTo(held.get().length);
        assertThat(served.get()).isEqualTo(1);
        assertThat(driver.tracker().locationsAnswered())
            .as("the executor asked the tracker")
            .isEqualTo(1);
      }
    }
  }

  /** The piece's bytes; releases its buffer. */
  private static byte[] takeBytes(PieceData d) {
    byte[] bytes = ByteBufUtil.getBytes(d.data());
    d.data().release();
    return bytes;
  }

  /**
   * A fake executor's server side: hands each piece request to {@code onFetch} (the transport
   * greets peers).
   */
  private static MessageHandler fakePeer(BiConsumer<Connection, FetchPiece> onFetch) {
    return TestHandlers.forAll(
        (from, m) -> {
          if (m instanceof FetchPiece f) {
            onFetch.accept(from, f);
          }
        });
  }

  /**
   * Registers a fake executor that serves with {@code handler}; returns its connection to the
   * driver.
   */
  private Connection registerFake(TransportContext transport, MessageHandler handler)
      throws Exception {
    TransportServer server = transport.listen("127.0.0.1", 0, TestHandlers.admitAll(), handler);
    Connection toDriver =
        transport
            .connect(
                "127.0.0.1",
                driver.endpoint().port(),
                Greeting.register("127.0.0.1", server.port()),
                handler)
            .get(5, TimeUnit.SECONDS);
    assertThat(toDriver.localNodeId()).as("the id the driver gave").isPositive();
    return toDriver;
  }

  /** True once the peer closed (EOF or reset); false if it sent bytes instead. */
  private static boolean readUntilClosed(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  private void awaitHeld(long id, int pieces) {
    await("the executors announced " + pieces + " pieces")
        .atMost(Duration.ofSeconds(10))
        .until(() -> driver.tracker().piecesHeldByExecutors(id) >= pieces);
    assertThat(driver.tracker().piecesHeldByExecutors(id))
        .as("pieces held over all executors")
        .isEqualTo(pieces);
  }
}
