package io.swarmcast.ui;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.swarmcast.metrics.PrometheusText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's small HTTP server ({@code swarmcast.ui.port}): what people and monitoring read, never
 * what the swarm needs. On every node:
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text ({@link io.swarmcast.metrics.PrometheusText}).
 * </ul>
 *
 * On the driver, also:
 *
 * <ul>
 *   <li>{@code GET /}: the live swarm page, one static HTML file with its script, no build step;
 *   <li>{@code GET /api/swarm?offset=O&limit=L}: the swarm as JSON (a page of executors);
 *   <li>{@code GET /events?offset=O&limit=L}: the same JSON once a second as Server-Sent Events.
 * </ul>
 *
 * It has no authentication: it binds to loopback unless {@code swarmcast.ui.bindHost} says
 * otherwise. Its costs are bounded for strangers: small request heads and bodies, {@value
 * #MAX_CONNECTIONS} connections, {@value #MAX_STREAMS} event streams, and a read timeout on
 * everything but a stream. It runs on one thread of its own, so a slow page never delays a piece.
 */
public final class UiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UiServer.class);
  static final int MAX_CONNECTIONS = 64;
  static final int MAX_STREAMS = 16;

  /** Executors per page when a request does not say. */
  static final int DEFAULT_LIMIT = 64;

  /** The most executors one page shows. */
  static final int MAX_LIMIT = 1000;

  /** What the server shows; implemented by the node. */
  public interface Content {
    /** The node's metrics in Prometheus text. */
    String metrics();

    /** Whether this node has a swarm to show (the driver), or only metrics (an executor). */
    boolean hasSwarm();

    /**
     * The swarm as JSON for executors {@code offset .. offset+limit}; only if {@link #hasSwarm()}.
     */
    String swarmJson(int offset, int limit);
  }

  private final Content content;
  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger streams = new AtomicInteger();
  private final byte[] page;

  private UiServer(Content content, String host, int port) throws IOException {
    this.content = content;
    this.page = resource("index.html");
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("swarmcast-ui", true), NioIoHandler.newFactory());
    try {
      this.server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      if (open.incrementAndGet() > MAX_CONNECTIONS) {
                        open.decrementAndGet();
                        ch.close();
                        return;
                      }
                      ch.closeFuture().addListener(f -> open.decrementAndGet());
                      channels.add(ch);
                      ch.pipeline()
                          .addLast("timeout", new ReadTimeoutHandler(30))
                          .addLast(new HttpServerCodec(4096, 8192, 8192))
                          .addLast(new HttpObjectAggregator(16 * 1024))
                          .addLast(new Requests());
                    }
                  })
              .bind(host, port)
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("interrupted while binding the UI server to " + host + ":" + port, e);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException(
          "cannot serve the UI on "
              + host
              + ":"
              + port
              + " (swarmcast.ui.port, swarmcast.ui.bindHost): "
              + e.getMessage(),
          e);
    }
  }

  /** Starts serving on {@code host:port} (0: any free port). */
  public static UiServer start(Content content, String host, int port) throws IOException {
    UiServer s = new UiServer(content, host, port);
    LOG.info("metrics at http://{}:{}/metrics", host, s.port());
    return s;
  }

  /** The port it listens on. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  private static byte[] resource(String name) {
    try (InputStream in = UiServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource io/swarmcast/ui/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!req.decoderResult().isSuccess()) {
        reply(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed request\n");
        return;
      }
      if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
        reply(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "only GET\n");
        return;
      }
      QueryStringDecoder q = new QueryStringDecoder(req.uri());
      int offset = intParam(q, "offset", 0, 0, Integer.MAX_VALUE);
      int limit = intParam(q, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
      switch (q.path()) {
        case "/metrics" ->
            reply(ctx, req, HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE, content.metrics());
        case "/", "/index.html" -> {
          if (!content.hasSwarm()) {
            reply(
                ctx,
                req,
                HttpResponseStatus.NOT_FOUND,
                "text/plain",
                "this node is an executor: the swarm page is on its driver; its metrics are at /metrics\n");
          } else {
            reply(ctx, req, HttpResponseStatus.OK, "text/html; charset=utf-8", page);
          }
        }
        case "/api/swarm" -> {
          if (!content.hasSwarm()) {
            reply(
                ctx,
                req,
                HttpResponseStatus.NOT_FOUND,
                "text/plain",
                "this node is an executor: ask its driver\n");
          } else {
            reply(
                ctx,
                req,
                HttpResponseStatus.OK,
                "application/json",
                content.swarmJson(offset, limit));
          }
        }
        case "/events" -> stream(ctx, req, offset, limit);
        default ->
            reply(
                ctx,
                req,
                HttpResponseStatus.NOT_FOUND,
                "text/plain",
                "no page " + q.path() + "; try / or /metrics\n");
      }
    }

    /** Sends the swarm's JSON now and then once a second until the client goes away. */
    private void stream(ChannelHandlerContext ctx, FullHttpRequest req, int offset, int limit) {
      if (!content.hasSwarm()) {
        reply(
            ctx,
            req,
            HttpResponseStatus.NOT_FOUND,
            "text/plain",
            "this node is an executor: ask its driver\n");
        return;
      }
      if (streams.incrementAndGet() > MAX_STREAMS) {
        streams.decrementAndGet();
        reply(
            ctx,
            req,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            "text/plain",
            "too many live pages open (" + MAX_STREAMS + ")\n");
        return;
      }
      ctx.pipeline().remove("timeout");
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
          .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      ctx.writeAndFlush(head);
      Runnable push =
          () -> {
            if (ctx.channel().isActive() && ctx.channel().isWritable()) {
              ByteBuf event =
                  Unpooled.copiedBuffer(
                      "data: " + content.swarmJson(offset, limit) + "\n\n", StandardCharsets.UTF_8);
              ctx.writeAndFlush(new DefaultHttpContent(event));
            }
          };
      push.run();
      ScheduledFuture<?> ticks = ctx.executor().scheduleAtFixedRate(push, 1, 1, TimeUnit.SECONDS);
      ctx.channel()
          .closeFuture()
          .addListener(
              f -> {
                ticks.cancel(false);
                streams.decrementAndGet();
              });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("UI connection {} failed", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }

  private static int intParam(QueryStringDecoder q, String name, int def, int min, int max) {
    List<String> v = q.parameters().get(name);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(v.get(0))));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  private static void reply(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      String body) {
    reply(ctx, req, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void reply(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      byte[] body) {
    boolean head = HttpMethod.HEAD.equals(req.method());
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    HttpUtil.setContentLength(res, body.length);
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    var written = ctx.writeAndFlush(res);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
