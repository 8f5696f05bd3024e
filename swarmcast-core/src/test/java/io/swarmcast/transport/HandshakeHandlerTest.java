package io.swarmcast.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Hello;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.MessageDecoder;
import io.swarmcast.protocol.MessageEncoder;
import io.swarmcast.protocol.RegisterExecutor;
import io.swarmcast.protocol.RunTask;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake handlers on an {@link EmbeddedChannel} with the real pipeline (framer, codec,
 * handshake, connection handler): the gate, the small frame limit and its raise, the deadline (on
 * the channel's virtual clock), and both sides' outcomes.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HandshakeHandlerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(3);
  private static final int MAX_FRAME = 1 << 20;

  private final List<Message> delivered = new CopyOnWriteArrayList<>();
  private final List<String> admitted = new CopyOnWriteArrayList<>();
  private EmbeddedChannel channel;
  private Connection connection;

  @AfterEach
  void release() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
  }

  private final Admission admission =
      new Admission() {
        @Override
        public int admitExecutor(Connection from, String host, int port) {
          admitted.add("executor " + host + ":" + port);
          return 7;
        }

        @Override
        public void admitPeer(Connection from, int nodeId) throws HandshakeException {
          throw new HandshakeException("no peers here");
        }

        @Override
        public long driverIncarnation() {
          return 0;
        }
      };

  private EmbeddedChannel pipeline(Function<Connection, HandshakeHandler> handshake)
      throws Exception {
    channel = new EmbeddedChannel(false, false);
    connection = new Connection(channel, Duration.ofSeconds(5));
    channel
        .pipeline()
        .addLast(HandshakeHandler.FRAMER, MessageDecoder.framer(HandshakeHandler.MAX_FRAME))
        .addLast("decoder", MessageDecoder.INSTANCE)
        .addLast("encoder", MessageEncoder.INSTANCE)
        .addLast("handshake", handshake.apply(connection))
        .addLast(
            "handler",
            new ConnectionHandler(connection, TestHandlers.forAll((from, m) -> delivered.add(m))));
    channel.register();
    return channel;
  }

  private EmbeddedChannel server() throws Exception {
    return pipeline(
        c -> new ServerHandshake(c, admission, null, DEADLINE, MAX_FRAME, new LongAdder()));
  }

  private static ByteBuf wire(Message... messages) {
    ByteBuf all = Unpooled.buffer();
    for (Message m : messages) {
      all.writeBytes(RawSocket.frame(m));
    }
    return all;
  }

  /** The next message the channel wrote, or null. */
  private Message written() {
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    try {
      if (!all.isReadable()) {
        return null;
      }
      int length = all.readInt();
      return MessageDecoder.decode(all.readSlice(length));
    } finally {
      all.release();
    }
  }

  @Test
  void aRequestBeforeTheHandshakeIsAnsweredHandshakeFirstAndTheConnectionClosed() throws Exception {
    server().writeInbound(wire(new FetchPiece(5, 1, 0)));
    assertThat(written())
        .isInstanceOfSatisfying(
            Failure.class,
            f -> {
              assertThat(f.requestId()).isEqualTo(5);
              assertThat(f.message()).contains("handshake first");
            });
    assertThat(channel.isOpen()).isFalse();
    assertThat(delivered).as("the node saw nothing").isEmpty();
  }

  @Test
  void aNoticeBeforeTheHandshakeClosesTheConnectionWithoutAnswer() throws Exception {
    server().writeInbound(wire(new Announce(1, 0)));
    assertThat(written()).isNull();
    assertThat(channel.isOpen()).isFalse();
    assertThat(delivered).isEmpty();
  }

  @Test
  void aFrameOverFourKibibytesBeforeTheHandshakeClosesTheConnection() throws Exception {
    server().writeInbound(Unpooled.buffer().writeInt(HandshakeHandler.MAX_FRAME + 1).writeZero(64));
    assertThat(channel.isOpen()).isFalse();
    assertThat(admitted).isEmpty();
  }

  @Test
  void aConnectionWithoutHandshakeIsClosedAtTheDeadline() throws Exception {
    server();
    channel.advanceTimeBy(DEADLINE.toMillis() - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("before the deadline").isTrue();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("at the deadline").isFalse();
  }

  @Test
  void aWrongProtocolVersionIsRefusedBeforeTheNodeIsAsked() throws Exception {
    server().writeInbound(wire(new RegisterExecutor(3, 99, "10.0.0.1", 7000)));
    assertThat(written())
        .isInstanceOfSatisfying(
            Failure.class,
            f ->
                assertThat(f.message())
                    .isEqualTo(
                        "protocol version 99 is not supported; this node speaks "
                            + Message.PROTOCOL_VERSION));
    assertThat(channel.isOpen()).isFalse();
    assertThat(admitted).isEmpty();
  }

  @Test
  void aRefusalOfTheNodeIsSentBackAndClosesTheConnection() throws Exception {
    server().writeInbound(wire(new Hello(4, Message.PROTOCOL_VERSION, 3)));
    assertThat(written()).isEqualTo(new Failure(4, "no peers here"));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void anAdmittedConnectionReachesTheNodeWithTheFullFrameLimit() throws Exception {
    byte[] big =
        new byte[100_000]; // far over the handshake's limit, in the same read as the opening
    server()
        .writeInbound(
            wire(
                new RegisterExecutor(3, Message.PROTOCOL_VERSION, "10.0.0.1", 7000),
                new RunTask(9, big)));
    assertThat(written()).isEqualTo(new ExecutorRegistered(3, 7, 0));
    assertThat(admitted).containsExactly("executor 10.0.0.1:7000");
    assertThat(delivered)
        .singleElement()
        .isInstanceOfSatisfying(RunTask.class, t -> assertThat(t.payload()).hasSize(big.length));
    assertThat(channel.pipeline().get("handshake")).as("the handshake left the pipeline").isNull();
    assertThat(connection.remoteRole()).isEqualTo(RemoteRole.EXECUTOR);
    assertThat(connection.remoteNodeId()).isEqualTo(7);
    channel.advanceTimeBy(DEADLINE.toMillis() * 2, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).as("no deadline once established").isTrue();
  }

  @Test
  void theClientCompletesOnTheAnswerAndPassesOnWhatFollowsIt() throws Exception {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    pipeline(
        c ->
            new ClientHandshake(
                c,
                Greeting.register("10.0.0.2", 7001),
                result,
                null,
                DEADLINE,
                MAX_FRAME,
                new LongAdder()));
    RegisterExecutor opening = (RegisterExecutor) written();
    assertThat(opening.host()).isEqualTo("10.0.0.2");
    assertThat(opening.protocolVersion()).isEqualTo(Message.PROTOCOL_VERSION);
    assertThat(result).isNotDone();

    channel.writeInbound(
        wire(
            new ExecutorRegistered(opening.requestId(), 12, 0),
            new Have(1, 0, 3, "10.0.0.3", 7002)));
    assertThat(result.get()).isSameAs(connection);
    assertThat(connection.localNodeId()).isEqualTo(12);
    assertThat(connection.remoteRole()).isEqualTo(RemoteRole.DRIVER);
    assertThat(delivered).containsExactly(new Have(1, 0, 3, "10.0.0.3", 7002));
  }

  @Test
  void theClientFailsWithTheServersReasonAndTheAddress() throws Exception {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    pipeline(
        c ->
            new ClientHandshake(
                c, Greeting.hello(4), result, null, DEADLINE, MAX_FRAME, new LongAdder()));
    Hello opening = (Hello) written();
    channel.writeInbound(
        wire(
            new Failure(
                opening.requestId(), "protocol version 1 is not supported; this node speaks 2")));
    assertThatThrownBy(result::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(HandshakeException.class)
        .hasMessage(
            "handshake with "
                + connection.remoteAddress()
                + " failed: protocol version 1 is not supported; this node speaks 2");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theClientFailsIfTheAnswerDoesNotComeByTheDeadline() throws Exception {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    pipeline(
        c ->
            new ClientHandshake(
                c, Greeting.hello(4), result, null, DEADLINE, MAX_FRAME, new LongAdder()));
    channel.advanceTimeBy(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThatThrownBy(result::get)
        .cause()
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("no handshake within 3000 ms");
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void theClientRefusesAnythingButTheAnswer() throws Exception {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    pipeline(
        c ->
            new ClientHandshake(
                c, Greeting.hello(4), result, null, DEADLINE, MAX_FRAME, new LongAdder()));
    written();
    channel.writeInbound(wire(new Have(1, 0, 3, "10.0.0.3", 7002)));
    assertThatThrownBy(result::get)
        .cause()
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("HAVE");
    assertThat(delivered).isEmpty();
  }
}
