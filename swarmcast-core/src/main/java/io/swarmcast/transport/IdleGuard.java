package io.swarmcast.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an established connection that carries nothing comes to ({@code
 * swarmcast.network.idleTimeout}), after the {@link IdleStateHandler} at the head of its pipeline,
 * which sees every byte either way:
 *
 * <ul>
 *   <li>A <b>peer</b> connection idle both ways for the timeout, with no request of this side
 *       outstanding, is closed: it costs a socket on both sides, and {@link ConnectionPool} reopens
 *       it when next needed. A stranger who said Hello and fell silent is let go the same way.
 *   <li>The <b>registration</b> connection between an executor and its driver is the executor's
 *       membership: it may rightly be quiet for hours between broadcasts, and closing it would
 *       unregister the executor. Instead each side sends a keepalive (an empty frame, 4 zero bytes)
 *       when it has written nothing for a third of the timeout, and closes the connection if
 *       nothing at all arrived for the whole timeout: a driver or executor that died without a FIN
 *       (power loss, a cable, a firewall dropping state) is noticed in minutes, not after TCP
 *       keepalive's hours.
 * </ul>
 *
 * Before the handshake none of this applies: the handshake deadline does. One instance per channel;
 * runs on its event loop.
 */
final class IdleGuard extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(IdleGuard.class);

  /**
   * A registered stranger that falls silent is closed with this warning; many of them, with one
   * line.
   */
  private static final RateLimitedLog SILENT = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  private final Connection connection;
  private final Duration timeout;

  IdleGuard(Connection connection, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
  }

  /** The state handler that goes first in the pipeline, before anything that buffers or decodes. */
  static IdleStateHandler stateHandler(Duration timeout) {
    long nanos = timeout.toNanos();
    // observeOutput: a large write that the socket is still taking, slowly, is not idleness.
    return new IdleStateHandler(true, nanos, Math.max(1, nanos / 3), nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof IdleStateEvent idle)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    RemoteRole role = connection.remoteRole();
    if (role == null) {
      return; // handshaking: the handshake deadline applies
    }
    boolean registration = role != RemoteRole.PEER;
    switch (idle.state()) {
      case WRITER_IDLE -> {
        if (registration) {
          ctx.writeAndFlush(Keepalive.frame(ctx));
        }
      }
      case READER_IDLE -> {
        if (registration) {
          SILENT.warn(
              "closing {}: nothing arrived, not even a keepalive, for {} ms (swarmcast.network.idleTimeout)",
              connection,
              timeout.toMillis());
          ctx.close();
        }
      }
      case ALL_IDLE -> {
        if (!registration && !connection.hasPendingRequests()) {
          LOG.debug("closing {}: idle for {} ms", connection, timeout.toMillis());
          ctx.close();
        }
      }
    }
  }

  /**
   * The keepalive: a frame of length 0, which no message is (every message has its type byte). It
   * lives below the message layer: the filter drops it between the framer and the decoder.
   */
  @ChannelHandler.Sharable
  static final class Keepalive extends ChannelInboundHandlerAdapter {
    static final Keepalive FILTER = new Keepalive();

    private Keepalive() {}

    static ByteBuf frame(ChannelHandlerContext ctx) {
      return ctx.alloc().buffer(4).writeInt(0);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf frame && !frame.isReadable()) {
        frame.release();
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
