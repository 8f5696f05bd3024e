package io.swarmcast.transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * At most one live outbound connection per remote address, opened on first use and forgotten when it
 * closes (the next use reconnects). {@code onOpen} runs once per new connection, before anyone else
 * may use it, for a handshake. Thread-safe.
 */
public final class ConnectionPool implements AutoCloseable {
  private final TransportContext transport;
  private final MessageHandler handler;
  private final Function<Connection, CompletableFuture<Connection>> onOpen;
  private final Map<String, CompletableFuture<Connection>> connections = new ConcurrentHashMap<>();

  public ConnectionPool(TransportContext transport, MessageHandler handler,
      Function<Connection, CompletableFuture<Connection>> onOpen) {
    this.transport = transport;
    this.handler = handler;
    this.onOpen = onOpen;
  }

  /** The connection to {@code host:port}, opening and handshaking it if there is none. */
  public CompletableFuture<Connection> get(String host, int port) {
    String key = host + ":" + port;
    CompletableFuture<Connection> fresh = new CompletableFuture<>();
    CompletableFuture<Connection> chosen = connections.compute(key, (k, cur) -> usable(cur) ? cur : fresh);
    if (chosen == fresh) {
      // Connect outside compute(): completion callbacks may run on this thread and touch the map.
      transport.connect(host, port, handler).thenCompose(c -> onOpen.apply(c).whenComplete((ok, e) -> {
        if (e != null) {
          c.close(); // a failed handshake must not leave the socket open
        }
      })).whenComplete((c, e) -> {
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
