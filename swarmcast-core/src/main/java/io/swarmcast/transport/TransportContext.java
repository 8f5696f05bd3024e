package io.swarmcast.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.MessageDecoder;
import io.swarmcast.protocol.MessageEncoder;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.security.internal.SecurityInternals;
import io.swarmcast.security.internal.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Owns one node's event loops and builds every pipeline, client and server alike:
 *
 * <pre>
 *   idle state → IdleGuard → [TLS: SslHandler, with swarmcast.tls.enabled] → flush consolidation
 *     → budget meter (in) → framer (length prefix; 4 KiB, then max frame) → budget meter (out) → keepalive filter
 *     → MessageDecoder → MessageEncoder → handshake (client or server; leaves once done) → ConnectionHandler(node handler)
 * </pre>
 *
 * A connection is usable only once its handshake is done: {@link #connect} completes then, and an
 * accepted connection reaches the node's handler only then (see {@link HandshakeHandler}). The
 * handshake must finish within {@link #handshakeDeadline()}.
 *
 * <p>What a stranger can cost a node is bounded here: at most {@code
 * swarmcast.network.maxConnections} accepted connections ({@link ConnectionLimit}); before its
 * handshake a connection may send frames of 4 KiB and must finish it within the deadline; after it,
 * bytes held in incomplete frames over all connections stay within {@code
 * swarmcast.network.maxBufferedBytes} ({@link BufferBudget}), and a connection that carries nothing
 * is closed after {@code swarmcast.network.idleTimeout} ({@link IdleGuard}).
 *
 * <p>Native epoll is used when available and enabled ({@code swarmcast.network.native}); Java NIO
 * otherwise. Thread-safe; {@link #close()} stops the event loops and with them every connection.
 */
public final class TransportContext implements AutoCloseable {
  /**
   * Unsent bytes a socket takes beyond what is on its way (TCP_NOTSENT_LOWAT, epoll only). Without
   * it the kernel buffers up to megabytes per socket, so a write "completes" long before its bytes
   * leave, and a node cannot pace its uploads (see {@code UploadSlots}); nor can anything overtake
   * a queue of pieces it has already handed over.
   */
  static final long NOT_SENT_LOW_WATERMARK = 64 << 10;

  /**
   * Longest a handshake may take, whatever {@code swarmcast.network.timeout} says: a connection
   * that has not said who it is holds a socket and a little memory, and only its own side gains by
   * waiting.
   */
  static final Duration MAX_HANDSHAKE_DEADLINE = Duration.ofSeconds(10);

  /**
   * The most {@code swarmcast.network.maxBufferedBytes=auto} gives: enough for dozens of pieces in
   * flight.
   */
  static final long MAX_AUTO_BUFFERED_BYTES = 256L << 20;

  /**
   * Every open connection, accepted or opened, so {@link #close} can close them before the event
   * loops.
   */
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** Whose shared secret (if any) every handshake proves. */
  private final SecurityManager security;

  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannelType;
  private final Class<? extends Channel> channelType;
  private final boolean epoll;
  private final int maxFrameLength;
  private final Duration timeout;
  private final Duration handshakeDeadline;
  private final Duration idleTimeout;
  private final ConnectionLimit accepted;
  private final BufferBudget budget;

  /**
   * Every channel's allocator: a node's {@code PieceMemory}, from which received pieces take their
   * buffers.
   */
  private final ByteBufAllocator allocator;

  /**
   * Handshakes that failed to authenticate, either side's (see {@code
   * HandshakeHandler#authFailed}).
   */
  private final LongAdder authFailures = new LongAdder();

  public TransportContext(SwarmConf conf, SecurityManager security, String name) {
    this(conf, security, name, ByteBufAllocator.DEFAULT);
  }

  public TransportContext(
      SwarmConf conf, SecurityManager security, String name, ByteBufAllocator allocator) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.security = Objects.requireNonNull(security, "security");
    this.epoll = conf.get(SwarmConf.NATIVE_TRANSPORT) && Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group =
        new MultiThreadIoEventLoopGroup(
            conf.get(SwarmConf.IO_THREADS),
            new DefaultThreadFactory("swarmcast-" + name, true),
            io);
    this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    long maxFrame = conf.get(SwarmConf.MAX_FRAME_SIZE);
    long blockSize = conf.get(SwarmConf.BLOCK_SIZE);
    if (maxFrame < blockSize + 1024) {
      throw new ConfigException(
          SwarmConf.MAX_FRAME_SIZE.name()
              + " ("
              + maxFrame
              + ") must exceed "
              + SwarmConf.BLOCK_SIZE.name()
              + " ("
              + blockSize
              + ") by at least 1 KiB");
    }
    this.maxFrameLength = (int) Math.min(Integer.MAX_VALUE, maxFrame);
    this.timeout = conf.get(SwarmConf.NETWORK_TIMEOUT);
    this.handshakeDeadline =
        timeout.compareTo(MAX_HANDSHAKE_DEADLINE) < 0 ? timeout : MAX_HANDSHAKE_DEADLINE;
    this.idleTimeout = conf.get(SwarmConf.IDLE_TIMEOUT);
    this.accepted = new ConnectionLimit(conf.get(SwarmConf.MAX_CONNECTIONS));
    this.budget = new BufferBudget(bufferBudget(conf));
  }

  /**
   * {@code swarmcast.network.maxBufferedBytes}, or for {@code auto} a quarter of the JVM's direct
   * memory, at most {@value #MAX_AUTO_BUFFERED_BYTES}. Either way at least one piece's frame: a
   * smaller budget would close every connection that sends one.
   */
  private static long bufferBudget(SwarmConf conf) {
    long onePiece = conf.get(SwarmConf.BLOCK_SIZE) + 1024;
    OptionalLong set = conf.get(SwarmConf.MAX_BUFFERED_BYTES);
    if (set.isEmpty()) {
      long auto = Math.min(MAX_AUTO_BUFFERED_BYTES, PlatformDependent.maxDirectMemory() / 4);
      return Math.max(auto, onePiece);
    }
    if (set.getAsLong() < onePiece) {
      throw new ConfigException(
          SwarmConf.MAX_BUFFERED_BYTES.name()
              + " ("
              + set.getAsLong()
              + ") must hold one piece's frame: "
              + SwarmConf.BLOCK_SIZE.name()
              + " + 1 KiB = "
              + onePiece);
    }
    return set.getAsLong();
  }

  /**
   * Listens on {@code host:port} (0 picks a free port). Each accepted connection must complete its
   * handshake, which {@code admission} decides on; then it goes to {@code handler}.
   */
  public TransportServer listen(String host, int port, Admission admission, MessageHandler handler)
      throws IOException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .channel(serverChannelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                initializer(
                    false,
                    null,
                    0,
                    handler,
                    c ->
                        new ServerHandshake(
                            c,
                            admission,
                            SecurityInternals.secret(security),
                            handshakeDeadline,
                            maxFrameLength,
                            authFailures)));
    if (epoll) {
      b.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, NOT_SENT_LOW_WATERMARK);
    }
    try {
      Channel ch = b.bind(host, port).sync().channel();
      return new TransportServer(ch);
    } catch (Exception e) {
      throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens a connection to {@code host:port} and performs the handshake {@code greeting} describes.
   * The future completes with the connection once the other side accepted; it fails with an {@link
   * IOException} naming the address if the socket cannot connect, and with a {@link
   * HandshakeException} saying why if the handshake fails. Messages from the other side go to
   * {@code handler}.
   */
  public CompletableFuture<Connection> connect(
      String host, int port, Greeting greeting, MessageHandler handler) {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .handler(
                initializer(
                    true,
                    host,
                    port,
                    handler,
                    c ->
                        new ClientHandshake(
                            c,
                            greeting,
                            result,
                            SecurityInternals.secret(security),
                            handshakeDeadline,
                            maxFrameLength,
                            authFailures)));
    if (epoll) {
      b.option(EpollChannelOption.TCP_NOTSENT_LOWAT, NOT_SENT_LOW_WATERMARK);
    }
    b.connect(new InetSocketAddress(host, port))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) { // once connected, the handshake completes the result
                    result.completeExceptionally(
                        new IOException(
                            "cannot connect to "
                                + host
                                + ":"
                                + port
                                + ": "
                                + f.cause().getMessage(),
                            f.cause()));
                  }
                });
    return result;
  }

  /**
   * The pipeline of one connection; {@code isClient}: this side connected to {@code host:port}
   * (else it accepted, and they are unused).
   */
  private ChannelInitializer<SocketChannel> initializer(
      boolean isClient,
      String host,
      int port,
      MessageHandler handler,
      Function<Connection, HandshakeHandler> handshake) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (!isClient && !accepted.admit(ch)) {
          return; // over the cap: closed before it could send a byte
        }
        ch.config().setAllocator(allocator);
        channels.add(ch); // leaves the group by itself when it closes
        Connection connection = new Connection(ch, timeout);
        HandshakeHandler gate = handshake.apply(connection);
        if (isClient != (gate instanceof ClientHandshake)) {
          throw new IllegalStateException(
              "a "
                  + (isClient ? "client" : "server")
                  + " pipeline needs the "
                  + (isClient ? "client" : "server")
                  + " handshake");
        }
        ChannelPipeline p = ch.pipeline();
        BufferBudget.Meter meter = budget.meter(ch);
        // First, so that it sees every byte either way, whatever is buffered or decoded after it.
        p.addLast("idle", IdleGuard.stateHandler(idleTimeout))
            .addLast("idleGuard", new IdleGuard(connection, idleTimeout));
        // TLS before anything that reads or writes messages, so that everything, the handshake
        // included, is encrypted; after the idle guard, which counts (encrypted) bytes either way.
        // Uploads are ByteBuf writes (no FileRegion), which SslHandler encrypts; pacing
        // (TCP_NOTSENT_LOWAT and write completion) then counts ciphertext, a few bytes per 16 KiB
        // record more.
        Tls tls = SecurityInternals.tls(security);
        if (tls != null) {
          p.addLast(
              HandshakeHandler.TLS,
              isClient ? tls.clientHandler(ch.alloc(), host, port) : tls.serverHandler(ch.alloc()));
        }
        // Small notices (Have, Announce) are flushed once per event-loop turn, not one packet each.
        p.addLast(
                "flush",
                new FlushConsolidationHandler(
                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
            // Small until the handshake is done; the handshake replaces it with one of
            // maxFrameLength.
            // The meters on either side of the framer count what it holds (BufferBudget).
            .addLast("meterIn", meter.in())
            .addLast(HandshakeHandler.FRAMER, MessageDecoder.framer(HandshakeHandler.MAX_FRAME))
            .addLast("meterOut", meter.out())
            .addLast("keepalive", IdleGuard.Keepalive.FILTER)
            .addLast("decoder", MessageDecoder.INSTANCE)
            .addLast("encoder", MessageEncoder.INSTANCE)
            // Before the node's handler: nothing reaches the node until the handshake is done.
            .addLast("handshake", gate)
            .addLast("handler", new ConnectionHandler(connection, handler));
      }
    };
  }

  public Duration timeout() {
    return timeout;
  }

  /**
   * How long a connection may take to complete its handshake: the network timeout, at most 10 s.
   */
  public Duration handshakeDeadline() {
    return handshakeDeadline;
  }

  /** Connections this node has accepted and not yet closed (those it opened are not counted). */
  public int acceptedConnections() {
    return accepted.open();
  }

  /** Connections open now, accepted and opened. */
  public int openConnections() {
    return channels.size();
  }

  /**
   * Handshakes that failed to authenticate since this node started: a wrong or missing secret, TLS
   * refused.
   */
  public long authFailures() {
    return authFailures.sum();
  }

  /** Bytes this node holds in incomplete incoming frames, over all its connections. */
  public long bufferedBytes() {
    return budget.held();
  }

  /** The most {@link #bufferedBytes()} may be before a connection is closed for it. */
  public long bufferBudget() {
    return budget.limit();
  }

  @Override
  public void close() {
    // Close every connection first and wait for it, so the other side learns at once that this node
    // is gone: left to the event loops' shutdown, a connection was seen to stay open for seconds.
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
