package io.swarmcast.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Message;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every pipeline, reached only once the handshake is done (the {@link
 * HandshakeHandler} before it keeps everything else): answers complete the requester's future,
 * requests and notices go to the node's {@link MessageHandler} by their type, and a second opening
 * is refused. A handler that throws turns into a {@link Failure} reply; a frame the decoder rejects
 * closes the connection (the peer is broken or hostile) and is logged once. One instance per
 * channel.
 *
 * <p>Buffers: a response's buffer goes with it to {@link Connection#complete}, which owns it from
 * there; inbound requests and notices carry none.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<Message> {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionHandler.class);

  /** Whoever sends garbage chooses how often: at most one line per 10 s. */
  private static final RateLimitedLog BAD_FRAMES = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  private final Connection connection;
  private final MessageHandler handler;

  ConnectionHandler(Connection connection, MessageHandler handler) {
    super(Message.class, false);
    this.connection = connection;
    this.handler = handler;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
    if (msg instanceof Message.Response r) {
      connection.complete(r);
    } else if (msg instanceof Message.Inbound inbound) {
      try {
        inbound.accept(handler, connection);
      } catch (RuntimeException e) {
        LOG.debug("handling {} from {} failed", msg, connection, e);
        if (msg instanceof Message.Request req) {
          connection.send(new Failure(req.requestId(), String.valueOf(e.getMessage())));
        }
      }
    } else {
      Message.Opening again = (Message.Opening) msg; // the third kind Message permits
      connection.send(
          new Failure(
              again.requestId(),
              "this connection's handshake is already done; "
                  + msg.type()
                  + " only opens a connection"));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.failAll(new IOException("connection to " + connection.remoteAddress() + " closed"));
    if (connection.isEstablished()) {
      handler.onClosed(connection);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException) {
      BAD_FRAMES.warn(
          "closing {}: bad frame: {}",
          connection,
          cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage());
    } else if (cause instanceof IOException) {
      LOG.debug("closing {}: {}", connection, cause.toString());
    } else {
      LOG.warn("closing {}", connection, cause);
    }
    ctx.close();
  }
}
