package io.swarmcast.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.MessageDecoder;
import io.swarmcast.protocol.MessageEncoder;
import io.swarmcast.security.SecurityManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Owns one node's event loops and builds every pipeline, client and server alike:
 * <pre>
 *   flush consolidation → framer (length prefix, max frame) → MessageDecoder → MessageEncoder → ConnectionHandler(node handler)
 * </pre>
 * Native epoll is used when available and enabled ({@code swarmcast.network.native}); Java NIO
 * otherwise. Thread-safe; {@link #close()} stops the event loops and with them every connection.
 */
public final class TransportContext implements AutoCloseable {
  private static final AttributeKey<Connection> CONNECTION = AttributeKey.valueOf("swarmcast.connection");
  /**
   * Unsent bytes a socket takes beyond what is on its way (TCP_NOTSENT_LOWAT, epoll only). Without it
   * the kernel buffers up to megabytes per socket, so a write "completes" long before its bytes leave,
   * and a node cannot pace its uploads (see {@code UploadSlots}); nor can anything overtake a queue of
   * pieces it has already handed over.
   */
  static final long NOT_SENT_LOW_WATERMARK = 64 << 10;

  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> serverChannelType;
  private final Class<? extends Channel> channelType;
  private final boolean epoll;
  private final int maxFrameLength;
  private final Duration timeout;

  public TransportContext(SwarmConf conf, SecurityManager security, String name) {
    this.epoll = conf.get(SwarmConf.NATIVE_TRANSPORT) && Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(conf.get(SwarmConf.IO_THREADS),
        new DefaultThreadFactory("swarmcast-" + name, true), io);
    this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    long maxFrame = conf.get(SwarmConf.MAX_FRAME_SIZE);
    long blockSize = conf.get(SwarmConf.BLOCK_SIZE);
    if (maxFrame < blockSize + 1024) {
      throw new io.swarmcast.conf.ConfigException(SwarmConf.MAX_FRAME_SIZE.name() + " (" + maxFrame
          + ") must exceed " + SwarmConf.BLOCK_SIZE.name() + " (" + blockSize + ") by at least 1 KiB");
    }
    this.maxFrameLength = (int) Math.min(Integer.MAX_VALUE, maxFrame);
    this.timeout = conf.get(SwarmConf.NETWORK_TIMEOUT);
  }

  /** Listens on {@code host:port} (0 picks a free port); each accepted connection goes to {@code handler}. */
  public TransportServer listen(String host, int port, MessageHandler handler) throws IOException {
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(serverChannelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(initializer(handler));
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

  /** Opens a connection to {@code host:port}; messages from the other side go to {@code handler}. */
  public CompletableFuture<Connection> connect(String host, int port, MessageHandler handler) {
    CompletableFuture<Connection> result = new CompletableFuture<>();
    Bootstrap b = new Bootstrap()
        .group(group)
        .channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        .handler(initializer(handler));
    if (epoll) {
      b.option(EpollChannelOption.TCP_NOTSENT_LOWAT, NOT_SENT_LOW_WATERMARK);
    }
    b.connect(new InetSocketAddress(host, port)).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        result.complete(f.channel().attr(CONNECTION).get());
      } else {
        result.completeExceptionally(new IOException("cannot connect to " + host + ":" + port + ": "
            + f.cause().getMessage(), f.cause()));
      }
    });
    return result;
  }

  private ChannelInitializer<SocketChannel> initializer(MessageHandler handler) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        Connection connection = new Connection(ch, timeout);
        ch.pipeline()
            // Small notices (Have, Announce) are flushed once per event-loop turn, not one packet each.
            .addLast("flush", new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true))
            .addLast("framer", MessageDecoder.framer(maxFrameLength))
            .addLast("decoder", MessageDecoder.INSTANCE)
            .addLast("encoder", MessageEncoder.INSTANCE)
            .addLast("handler", new ConnectionHandler(connection, handler));
        ch.attr(CONNECTION).set(connection);
      }
    };
  }

  public Duration timeout() {
    return timeout;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
