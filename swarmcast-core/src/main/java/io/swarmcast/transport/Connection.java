package io.swarmcast.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.protocol.PieceRegion;
import io.swarmcast.protocol.ProtocolException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * One TCP connection between two nodes, usable in both directions: each side can send requests,
 * matched to their answers by request id, and one-way notices.
 *
 * <p>A connection is handed out only once its handshake is done (see {@link HandshakeHandler}): it
 * knows what the other side is ({@link #remoteRole()}) and which ids the handshake gave both sides.
 *
 * <p>Every request has a deadline ({@code swarmcast.network.timeout}, or its own; none only if the
 * caller asks for none); when the connection closes, every outstanding request fails with an {@link
 * IOException} naming the remote address. Thread-safe.
 */
public final class Connection {
  private static final AtomicLong REQUEST_IDS = new AtomicLong();

  private final Channel channel;
  private final Duration timeout;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();

  /**
   * A request waiting for its answer, and the answer types that are acceptable (none listed: any).
   */
  private record Pending(CompletableFuture<Message> answer, Class<?>[] expected) {
    boolean accepts(Message.Response m) {
      if (expected.length == 0 || m instanceof Failure) {
        return true;
      }
      for (Class<?> c : expected) {
        if (c.isInstance(m)) {
          return true;
        }
      }
      return false;
    }
  }

  private volatile RemoteRole remoteRole;
  private volatile int remoteNodeId = -1;
  private volatile int localNodeId = -1;
  private volatile long driverIncarnation;

  Connection(Channel channel, Duration timeout) {
    this.channel = channel;
    this.timeout = timeout;
  }

  /**
   * Sends the request {@code build} makes from a fresh request id; the future completes with the
   * answer (a {@link PieceData} answer owns a buffer: the caller releases it, or hands its data
   * on), or fails with the remote {@link Failure}'s message as a {@link RemoteException}, a
   * timeout, or the connection's loss.
   */
  public CompletableFuture<Message> request(LongFunction<Message> build) {
    return request(build, timeout);
  }

  /**
   * As {@link #request(LongFunction)}, accepting only answers of the {@code expected} types: any
   * other fails the future with a {@link io.swarmcast.protocol.ProtocolException} (and its buffer
   * is freed).
   */
  public CompletableFuture<Message> request(LongFunction<Message> build, Class<?>... expected) {
    return request(build, timeout, expected);
  }

  /**
   * As {@link #request(LongFunction)} with its own deadline; {@link Duration#ZERO} for none (the
   * request then fails only with the connection), for work whose length the caller cannot bound.
   */
  public CompletableFuture<Message> request(
      LongFunction<Message> build, Duration deadline, Class<?>... expected) {
    long id = nextRequestId();
    CompletableFuture<Message> answer = new CompletableFuture<>();
    pending.put(id, new Pending(answer, expected));
    // A caller that cancels no longer waits: forget the request, so a stalled peer's connection
    // does not count as busy for ever; an answer that still comes is freed as a late one (see
    // complete).
    answer.whenComplete(
        (m, e) -> {
          if (answer.isCancelled()) {
            pending.remove(id);
          }
        });
    if (!channel.isActive()) {
      fail(id, new IOException("connection to " + remoteAddress() + " is closed"));
      return answer;
    }
    if (!deadline.isZero()) {
      var timer =
          channel
              .eventLoop()
              .schedule(
                  () ->
                      fail(
                          id,
                          new TimeoutException(
                              "no answer from "
                                  + remoteAddress()
                                  + " within "
                                  + deadline.toMillis()
                                  + " ms")),
                  deadline.toMillis(),
                  TimeUnit.MILLISECONDS);
      answer.whenComplete((m, e) -> timer.cancel(false));
    }
    channel
        .writeAndFlush(build.apply(id))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    fail(
                        id,
                        new IOException(
                            "could not send to " + remoteAddress() + ": " + f.cause(), f.cause()));
                  }
                });
    return answer;
  }

  /** A request id unique in this JVM. */
  static long nextRequestId() {
    return REQUEST_IDS.incrementAndGet();
  }

  /**
   * Runs {@code task} on this connection's event loop after {@code delay}, also if the connection
   * has closed by then; returns null if the node is shutting down. Timers belong here rather than
   * on {@code CompletableFuture.delayedExecutor}: with fewer than 3 cores that starts a thread per
   * task.
   */
  public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /**
   * Sends a notice or an answer. The future completes when the socket has taken the whole message
   * (for a piece, about when it has left the host: see {@link TransportContext}), or fails if it
   * could not be sent; a failure to send also closes the connection.
   */
  public CompletableFuture<Void> send(Message message) {
    return write(message);
  }

  /**
   * Sends a piece straight from a file ({@link PieceRegion}); as {@link #send}. Only on a
   * connection without TLS ({@link #carriesFileRegions}).
   */
  public CompletableFuture<Void> send(PieceRegion piece) {
    return write(piece);
  }

  /** Whether {@link #send(io.swarmcast.protocol.PieceRegion)} can be used here: false under TLS. */
  public boolean carriesFileRegions() {
    return channel.pipeline().get(HandshakeHandler.TLS) == null;
  }

  private CompletableFuture<Void> write(Object message) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    channel
        .writeAndFlush(message)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    written.complete(null);
                  } else {
                    written.completeExceptionally(f.cause());
                    f.channel().close();
                  }
                });
    return written;
  }

  /**
   * Completes the request an inbound answer belongs to; returns false if no request waits for it.
   * Takes over the answer's buffer, if it has one ({@link PieceData}): it goes to the requester's
   * future, which then owns it, or is released here if nobody takes it.
   */
  boolean complete(Message.Response response) {
    Pending p = pending.remove(response.requestId());
    if (p == null) {
      ReferenceCountUtil.release(response); // late answer to a request that already timed out
      return false;
    }
    CompletableFuture<Message> f = p.answer();
    if (!p.accepts(response)) {
      ReferenceCountUtil.release(response);
      f.completeExceptionally(
          new ProtocolException(
              remoteAddress()
                  + " answered "
                  + response.type()
                  + ", which that request does not take"));
    } else if (response instanceof Failure failure) {
      f.completeExceptionally(new RemoteException(remoteAddress(), failure.message()));
    } else if (!f.complete(response)) {
      ReferenceCountUtil.release(response); // the requester gave up (cancelled) before it came
    }
    return true;
  }

  private void fail(long id, Throwable cause) {
    Pending p = pending.remove(id);
    if (p != null) {
      p.answer().completeExceptionally(cause);
    }
  }

  void failAll(Throwable cause) {
    for (Long id : pending.keySet()) {
      fail(id, cause);
    }
  }

  /** Whether a request this side sent still waits for its answer. */
  boolean hasPendingRequests() {
    return !pending.isEmpty();
  }

  public boolean isActive() {
    return channel.isActive();
  }

  public void close() {
    channel.close();
  }

  /** A future that completes when the connection has closed. */
  public CompletableFuture<Void> closeFuture() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel.closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  public String remoteAddress() {
    SocketAddress a = channel.remoteAddress();
    if (a instanceof InetSocketAddress inet) {
      return inet.getHostString() + ":" + inet.getPort();
    }
    return a == null ? "(unconnected)" : a.toString();
  }

  /** What the other side is, as the handshake established; null only before it completed. */
  public RemoteRole remoteRole() {
    return remoteRole;
  }

  /**
   * The other side's node id: 0 for the driver, the executor's id for an executor that registered
   * with this driver or greeted this executor; -1 if the handshake did not name it (a peer this
   * side greeted) or is not done. A greeting peer's id is its claim: see {@link Admission}.
   */
  public int remoteNodeId() {
    return remoteNodeId;
  }

  /** This side's id as the handshake gave it (the executor id the driver assigned), or -1. */
  public int localNodeId() {
    return localNodeId;
  }

  /**
   * The incarnation of the driver the handshake was about: the driver's own on a registration, the
   * one a peer claimed (or this side sent) on a peer connection; 0 if none was named.
   */
  public long driverIncarnation() {
    return driverIncarnation;
  }

  /** Whether the handshake completed: only then does the node's handler see this connection. */
  boolean isEstablished() {
    return remoteRole != null;
  }

  void established(RemoteRole role, int remoteId, int localId, long driverIncarnation) {
    this.remoteNodeId = remoteId;
    this.localNodeId = localId;
    this.driverIncarnation = driverIncarnation;
    this.remoteRole = role; // last: volatile, publishes the ids with it
  }

  @Override
  public String toString() {
    return "Connection("
        + remoteAddress()
        + ", "
        + (remoteRole == null ? "handshaking" : remoteRole + " " + remoteNodeId)
        + ")";
  }
}
