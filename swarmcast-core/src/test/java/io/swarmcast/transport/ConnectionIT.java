package io.swarmcast.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.protocol.ProtocolException;
import io.swarmcast.security.SecurityManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests and answers over a real socket on 127.0.0.1: typed answers, deadlines, and freed
 * buffers.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionIT {
  private TransportContext transport;
  private final ByteBuf piece = Unpooled.directBuffer(1024).writeZero(1024);

  @BeforeEach
  void start() {
    transport =
        new TransportContext(
            new SwarmConf().set(SwarmConf.NETWORK_TIMEOUT, "1s"), SecurityManager.insecure(), "t");
  }

  @AfterEach
  void stop() {
    transport.close();
    piece.release(piece.refCnt());
  }

  /**
   * A server that answers FetchPiece with an Ack and GetLocations with a piece: the wrong type
   * every time.
   */
  private Connection connectToConfusedServer() throws Exception {
    TransportServer server =
        transport.listen(
            "127.0.0.1",
            0,
            TestHandlers.admitAll(),
            TestHandlers.forAll(
                (from, m) -> {
                  if (m instanceof FetchPiece f) {
                    from.send(new Ack(f.requestId()));
                  } else if (m instanceof GetLocations g) {
                    from.send(new PieceData(g.requestId(), 1, 0, piece.retainedDuplicate()));
                  }
                }));
    return connect(server);
  }

  private Connection connect(TransportServer server) throws Exception {
    return transport
        .connect(
            "127.0.0.1", server.port(), Greeting.hello(1), TestHandlers.forAll((from, m) -> {}))
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void anAnswerOfTheWrongTypeFailsTheRequestClearly() throws Exception {
    Connection c = connectToConfusedServer();
    CompletableFuture<?> f = c.request(id -> new FetchPiece(id, 1, 0), PieceData.class);
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ProtocolException.class)
        .hasMessageContaining("ACK");
  }

  @Test
  void anUnexpectedPieceFailsTheRequestToo() throws Exception {
    Connection c = connectToConfusedServer();
    CompletableFuture<?> f = c.request(id -> new GetLocations(id, 9), Ack.class);
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(ProtocolException.class)
        .hasMessageContaining("PIECE_DATA");
  }

  @Test
  void requestsTimeOutButDeadlineFreeOnesWaitForTheConnection() throws Exception {
    TransportServer server =
        transport.listen(
            "127.0.0.1", 0, TestHandlers.admitAll(), TestHandlers.forAll((from, m) -> {}));
    Connection c = connect(server); // the server completes the handshake, then never answers
    assertThatThrownBy(() -> c.request(id -> new GetLocations(id, 1)).get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TimeoutException.class);
    CompletableFuture<?> patient = c.request(id -> new GetLocations(id, 1), Duration.ZERO);
    // A request with the default deadline, asked after it, times out: by then the patient one has
    // waited longer than any deadline, and must still be waiting.
    CompletableFuture<?> witness = c.request(id -> new GetLocations(id, 2));
    assertThatThrownBy(() -> witness.get(5, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(patient).isNotDone();
    server.close();
    c.close();
    assertThatThrownBy(() -> patient.get(5, TimeUnit.SECONDS)).hasMessageContaining("closed");
  }

  /**
   * A request its caller cancelled is forgotten at once: the connection no longer counts as waiting
   * for it.
   */
  @Test
  void aCancelledRequestLeavesNothingPending() throws Exception {
    TransportServer server =
        transport.listen(
            "127.0.0.1", 0, TestHandlers.admitAll(), TestHandlers.forAll((from, m) -> {}));
    Connection c = connect(server); // never answers
    CompletableFuture<?> asked = c.request(id -> new GetLocations(id, 1), Duration.ZERO);
    assertThat(c.hasPendingRequests()).isTrue();

    asked.cancel(false);

    assertThat(c.hasPendingRequests()).as("cancelled requests are not waited for").isFalse();
  }
}
