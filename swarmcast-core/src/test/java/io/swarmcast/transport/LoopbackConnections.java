package io.swarmcast.transport;

import static org.awaitility.Awaitility.await;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Message;
import io.swarmcast.security.SecurityManager;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Real connections over 127.0.0.1 for tests outside this package: each {@link #connect()} opens a
 * client connection to one recording server (handshake done), which keeps every inbound message it
 * receives, with the server-side connection it came on.
 */
public final class LoopbackConnections implements AutoCloseable {
  /** A message the server received, and the connection it arrived on (the server's end). */
  public record Received(Connection on, Message message) {}

  private final TransportContext transport =
      new TransportContext(
          new SwarmConf().set(SwarmConf.NETWORK_TIMEOUT, "5s"), SecurityManager.insecure(), "test");
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final TransportServer server;

  public LoopbackConnections() throws IOException {
    server =
        transport.listen(
            "127.0.0.1",
            0,
            TestHandlers.admitAll(),
            TestHandlers.forAll((from, m) -> received.add(new Received(from, m))));
  }

  /** A new client connection to the recording server, greeting it as a peer. */
  public Connection connect() throws Exception {
    return transport
        .connect(
            "127.0.0.1", server.port(), Greeting.hello(1), TestHandlers.forAll((from, m) -> {}))
        .get(5, TimeUnit.SECONDS);
  }

  /** Messages received so far. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  /**
   * Waits up to 5 s for at least {@code n} messages (fails if fewer came); returns what arrived.
   */
  public List<Received> awaitReceived(int n) {
    await("the server received " + n + " message(s)")
        .atMost(Duration.ofSeconds(5))
        .until(() -> received.size() >= n);
    return received();
  }

  @Override
  public void close() {
    server.close();
    transport.close();
  }
}
