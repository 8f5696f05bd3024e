package io.swarmcast.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.Hello;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.MessageType;
import io.swarmcast.protocol.RunTask;
import io.swarmcast.security.SecurityManager;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake over real sockets on 127.0.0.1, from a well-behaved client and from raw, rude ones.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandshakeIT {
  /** Short, so that the deadline tests are quick: the handshake deadline is the network timeout. */
  private static final String TIMEOUT = "400ms";

  private TransportContext transport;
  private TransportServer server;
  private final List<Message> received = new CopyOnWriteArrayList<>();
  private final AtomicReference<Connection> accepted = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    transport =
        new TransportContext(
            new SwarmConf().set(SwarmConf.NETWORK_TIMEOUT, TIMEOUT),
            SecurityManager.insecure(),
            "hs");
    Admission admission =
        new Admission() {
          @Override
          public int admitExecutor(Connection from, String host, int port) {
            accepted.set(from);
            return 7;
          }

          @Override
          public void admitPeer(Connection from, int nodeId) throws HandshakeException {
            if (nodeId == 13) {
              throw new HandshakeException("executor 13 is not welcome");
            }
            accepted.set(from);
          }

          @Override
          public long driverIncarnation() {
            return 0;
          }
        };
    server =
        transport.listen(
            "127.0.0.1", 0, admission, TestHandlers.forAll((from, m) -> received.add(m)));
  }

  @AfterEach
  void stop() {
    server.close();
    transport.close();
  }

  private CompletableFuture<Connection> connect(Greeting greeting, int port) {
    return transport.connect("127.0.0.1", port, greeting, TestHandlers.forAll((from, m) -> {}));
  }

  @Test
  void aRegistrationGivesBothSidesTheirRolesAndLiftsTheFrameLimit() throws Exception {
    Connection c =
        connect(Greeting.register("127.0.0.1", 9999), server.port()).get(5, TimeUnit.SECONDS);
    assertThat(c.remoteRole()).isEqualTo(RemoteRole.DRIVER);
    assertThat(c.localNodeId()).isEqualTo(7);
    assertThat(accepted.get().remoteRole()).isEqualTo(RemoteRole.EXECUTOR);
    assertThat(accepted.get().remoteNodeId()).isEqualTo(7);

    c.send(new RunTask(1, new byte[200_000])).get(5, TimeUnit.SECONDS);
    await("the server received the message")
        .atMost(Duration.ofSeconds(5))
        .until(() -> !received.isEmpty());
    assertThat(received)
        .singleElement()
        .isInstanceOfSatisfying(RunTask.class, t -> assertThat(t.payload()).hasSize(200_000));
    // A stranger that connected after it and never says who it is gets closed at the handshake
    // deadline: by then that deadline has passed for the established connection too, which must
    // still be open.
    try (RawSocket stranger = new RawSocket(server.port())) {
      assertThat(stranger.awaitClosed()).as("the stranger is closed at the deadline").isTrue();
    }
    assertThat(c.isActive())
        .as("an established connection outlives the handshake deadline")
        .isTrue();
  }

  @Test
  void aPeerHelloNamesThePeerToTheAcceptingSide() throws Exception {
    Connection c = connect(Greeting.hello(5), server.port()).get(5, TimeUnit.SECONDS);
    assertThat(c.remoteRole()).isEqualTo(RemoteRole.PEER);
    assertThat(accepted.get().remoteRole()).isEqualTo(RemoteRole.PEER);
    assertThat(accepted.get().remoteNodeId()).isEqualTo(5);
  }

  @Test
  void aRefusedClientIsToldWhyAndByWhom() throws Exception {
    CompletableFuture<Connection> f = connect(Greeting.hello(13), server.port());
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(HandshakeException.class)
        .hasMessage(
            "handshake with 127.0.0.1:" + server.port() + " failed: executor 13 is not welcome");
  }

  @Test
  void aRequestBeforeTheHandshakeIsRefusedAndTheConnectionClosed() throws Exception {
    try (RawSocket s = new RawSocket(server.port())) {
      s.send(new FetchPiece(42, 1, 0));
      assertThat(s.read())
          .isInstanceOfSatisfying(
              Failure.class,
              f -> {
                assertThat(f.requestId()).isEqualTo(42);
                assertThat(f.message()).startsWith("handshake first");
              });
      assertThat(s.closedByPeer()).isTrue();
    }
    try (RawSocket s = new RawSocket(server.port())) {
      s.send(new Announce(1, 0));
      assertThat(s.closedByPeer()).as("a notice is not answered, only closed").isTrue();
    }
    assertThat(received).isEmpty();
  }

  @Test
  void aFrameOverFourKibibytesBeforeTheHandshakeClosesTheConnection() throws Exception {
    try (RawSocket s = new RawSocket(server.port())) {
      s.write(RawSocket.frame(new RunTask(1, new byte[HandshakeHandler.MAX_FRAME])));
      assertThat(s.closedByPeer()).isTrue();
    }
    assertThat(received).isEmpty();
  }

  @Test
  void aWrongProtocolVersionIsRefusedClearly() throws Exception {
    try (RawSocket s = new RawSocket(server.port())) {
      s.send(new Hello(1, Message.PROTOCOL_VERSION + 1, 5));
      assertThat(s.read())
          .isEqualTo(
              new Failure(
                  1,
                  "protocol version "
                      + (Message.PROTOCOL_VERSION + 1)
                      + " is not supported; this node speaks "
                      + Message.PROTOCOL_VERSION));
      assertThat(s.closedByPeer()).isTrue();
    }
  }

  /** A node of protocol 1 (whose hello had no driver incarnation) is told why, not just cut off. */
  @Test
  void aVersionOneHelloIsAnsweredThatVersionOneIsNotSupported() throws Exception {
    try (RawSocket s = new RawSocket(server.port())) {
      ByteBuf v1 = Unpooled.buffer();
      v1.writeInt(1 + 16).writeByte(MessageType.HELLO.id()).writeLong(1).writeInt(1).writeInt(5);
      s.write(ByteBufUtil.getBytes(v1));
      v1.release();
      assertThat(s.read())
          .isEqualTo(
              new Failure(
                  1,
                  "protocol version 1 is not supported; this node speaks "
                      + Message.PROTOCOL_VERSION));
      assertThat(s.closedByPeer()).isTrue();
    }
  }

  @Test
  void aClientMeetingANodeOfAnotherVersionFailsWithItsReason() throws Exception {
    try (ServerSocket other = new ServerSocket(0)) {
      CompletableFuture<Void> answered =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = other.accept()) {
                  DataInputStream in = new DataInputStream(s.getInputStream());
                  byte[] body = new byte[in.readInt()];
                  in.readFully(body);
                  long requestId = ByteBuffer.wrap(body, 1, 8).getLong(); // after the type byte
                  s.getOutputStream()
                      .write(
                          RawSocket.frame(
                              new Failure(
                                  requestId,
                                  "protocol version 1 is not supported; this node speaks 2")));
                  s.getOutputStream().flush();
                  in.read(); // until the client closes
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      CompletableFuture<Connection> f =
          connect(Greeting.register("127.0.0.1", 9999), other.getLocalPort());
      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(HandshakeException.class)
          .hasMessage(
              "handshake with 127.0.0.1:"
                  + other.getLocalPort()
                  + " failed: protocol version 1 is not supported; this node speaks 2");
      answered.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aConnectionThatNeverHandshakesIsClosedAtTheDeadline() throws Exception {
    try (RawSocket s = new RawSocket(server.port())) {
      long t0 = System.nanoTime();
      assertThat(s.closedByPeer()).isTrue();
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(waited).as("closed at the %s deadline, ms", TIMEOUT).isBetween(300L, 5_000L);
    }
  }

  @Test
  void aClientWhoseHandshakeIsNeverAnsweredFailsAtTheDeadline() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      CompletableFuture<Connection> f = connect(Greeting.hello(5), silent.getLocalPort());
      try (Socket s = silent.accept()) {
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(HandshakeException.class)
            .hasMessageContaining("127.0.0.1:" + silent.getLocalPort())
            .hasMessageContaining("no handshake within 400 ms");
      }
    }
  }
}
