package io.swarmcast.transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * At most one live outbound connection per remote address, opened on first use with this node's
 * {@link Greeting} and forgotten when it closes (the next use reconnects). A connection is handed
 * out only once its handshake is done; a failed handshake fails its future, and the next use tries
 * again. Thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {
  private final TransportContext transport;
  private final Supplier<Greeting> greeting;
  private final MessageHandler handler;
  private final Map<String, CompletableFuture<Connection>> connections = new ConcurrentHashMap<>();

  /**
   * {@code greeting} is asked once per new connection: a node may learn its id (which the greeting
   * carries) after it created its pool.
   */
  public ConnectionPool(
      TransportContext transport, Supplier<Greeting> greeting, MessageHandler handler) {
    this.transport = transport;
    this.greeting = greeting;
    this.handler = handler;
  }

  /**
   * The connection to {@code host:port}, opening it (and completing its handshake) if there is
   * none.
   */
  public CompletableFuture<Connection> get(String host, int port) {
    String key = host + ":" + port;
    CompletableFuture<Connection> fresh = new CompletableFuture<>();
    CompletableFuture<Connection> chosen =
        connections.compute(key, (k, cur) -> usable(cur) ? cur : fresh);
    if (chosen == fresh) {
      // Connect outside compute(): completion callbacks may run on this thread and touch the map.
      transport
          .connect(host, port, greeting.get(), handler)
          .whenComplete(
              (c, e) -> {
                if (e != null) {
                  connections.remove(key, fresh);
                  fresh.completeExceptionally(e);
                } else {
                  c.closeFuture().thenRun(() -> connections.remove(key, fresh));
                  fresh.complete(c);
                }
              });
    }
    return chosen;
  }

  private static boolean usable(CompletableFuture<Connection> f) {
    if (f == null) {
      return false;
    }
    if (!f.isDone()) {
      return true;
    }
    return !f.isCompletedExceptionally() && f.join().isActive();
  }

  @Override
  public void close() {
    connections.values().forEach(f -> f.thenAccept(Connection::close));
    connections.clear();
  }
}
