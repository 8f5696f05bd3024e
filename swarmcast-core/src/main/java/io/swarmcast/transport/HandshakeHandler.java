package io.swarmcast.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.MessageDecoder;
import io.swarmcast.security.internal.ChannelBinding;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's state until its handshake is done, and the gate in front of the node: one instance
 * per channel, between the codec and the {@link ConnectionHandler}. Every message that arrives
 * before the handshake completes ends here and goes no further.
 *
 * <pre>
 *   OPENED ──opening──▶ [AUTHENTICATING: challenge, proofs, with a secret] ──answer──▶ ESTABLISHED (this handler leaves the pipeline)
 *      │                                                       └─ framer limit raised to maxFrameSize
 *      └── wrong version, refused, any other message, a frame over {@value #MAX_FRAME} bytes,
 *          no handshake within the deadline ──▶ closed, one log line naming the remote address
 * </pre>
 *
 * <p>The client side ({@link ClientHandshake}) sends its {@link Greeting} and waits for the answer;
 * the server side ({@link ServerHandshake}) checks the protocol version and asks the node's {@link
 * Admission} who may connect. Before the handshake a connection gets a small frame limit and a
 * deadline, so a stranger can make a node buffer little and hold a socket only briefly. With a
 * shared secret, the challenge and both proofs (see {@code SharedSecret}) come between the version
 * check and admission: the node is asked nothing about a connection that has not proven the secret,
 * and the connecting side accepts no answer from a side that has not proven it either. With TLS,
 * the {@code SslHandler} ahead of this one handshakes first; its failure (an untrusted or expired
 * certificate, a peer without TLS) ends this handshake with "TLS handshake failed: why", and the
 * proofs are bound to both TLS certificates ({@link #channelBinding}). Not thread-safe: used on its
 * channel's event loop only.
 */
abstract class HandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);

  /** Strangers choose how often a handshake fails: at most one line per 10 s says so. */
  private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  /**
   * Largest frame accepted before the handshake: the handshake's messages are a few dozen bytes.
   */
  static final int MAX_FRAME = 4096;

  /**
   * The key that turns TLS on, named in errors that may come from one side having it and the other
   * not.
   */
  private static final String TLS_KEY = "swarmcast.tls.enabled";

  /** The pipeline name of the SslHandler, when TLS is on. */
  static final String TLS = "tls";

  /** The pipeline name of the framer whose limit the handshake raises. */
  static final String FRAMER = "framer";

  final Connection connection;
  private final Duration deadline;
  private final int maxFrameLength;
  private ScheduledFuture<?> timer;
  private boolean finished;

  /**
   * The node's count of failed authentications (a wrong or missing secret, a failed TLS handshake),
   * for its metrics.
   */
  private final LongAdder authFailures;

  /** {@code maxFrameLength}: the framer's limit once the handshake is done. */
  HandshakeHandler(
      Connection connection, Duration deadline, int maxFrameLength, LongAdder authFailures) {
    this.authFailures = authFailures;
    this.connection = connection;
    this.deadline = deadline;
    this.maxFrameLength = maxFrameLength;
  }

  /** The channel is connected: the deadline starts; a client sends its opening. */
  abstract void opened(ChannelHandlerContext ctx);

  /** One message before the handshake is done; the caller releases it. */
  abstract void read(ChannelHandlerContext ctx, Message message);

  /** The handshake failed for {@code cause}, already logged and with the channel closing. */
  abstract void failed(HandshakeException cause);

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timer =
        ctx.executor()
            .schedule(
                () -> refuse(ctx, "no handshake within " + deadline.toMillis() + " ms", null),
                deadline.toNanos(),
                TimeUnit.NANOSECONDS);
    opened(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (finished) {
        return; // refused and closing: whatever else was in the socket is dropped
      }
      if (msg instanceof Message m) {
        read(ctx, m);
      } else {
        refuse(ctx, "unexpected " + msg.getClass().getSimpleName() + " in the pipeline", null);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * The handshake is done: the node's handler takes the connection from here. The frame limit is
   * raised only now, so that before it nobody unknown can make this node buffer a large frame.
   */
  final void established(
      ChannelHandlerContext ctx,
      RemoteRole role,
      int remoteNodeId,
      int localNodeId,
      long driverIncarnation) {
    finished = true;
    timer.cancel(false);
    connection.established(role, remoteNodeId, localNodeId, driverIncarnation);
    ChannelPipeline p = ctx.pipeline();
    // Leave before the framer is replaced: the old framer hands the bytes it holds to the new one
    // at once, and the frames in them are the node's.
    p.remove(this);
    p.replace(FRAMER, FRAMER, MessageDecoder.framer(maxFrameLength));
  }

  /**
   * Ends the handshake and the connection, sending {@code reply} first if there is one; logs {@code
   * why} once.
   */
  final void refuse(ChannelHandlerContext ctx, String why, Message reply) {
    refuse(ctx, why, reply, false);
  }

  /**
   * As {@link #refuse(ChannelHandlerContext, String, Message)}; {@code refusedByRemote}: the other
   * side said no.
   */
  final void refuse(ChannelHandlerContext ctx, String why, Message reply, boolean refusedByRemote) {
    refuse(
        ctx,
        why,
        reply,
        new HandshakeException(
            "handshake with " + connection.remoteAddress() + " failed: " + why, refusedByRemote));
  }

  /**
   * The other side failed to authenticate, or refused this side's proof: the caller learns {@code
   * "authentication failed with HOST:PORT: why"}, not a timeout, and is not to retry.
   */
  final void refuseAuthentication(ChannelHandlerContext ctx, String why) {
    authFailed();
    refuse(
        ctx,
        "authentication failed: " + why,
        null,
        new HandshakeException(
            "authentication failed with " + connection.remoteAddress() + ": " + why, true));
  }

  /** Counts a failed authentication: a proof missing or wrong, or TLS refused. */
  final void authFailed() {
    if (!finished) {
      authFailures.increment();
    }
  }

  private void refuse(
      ChannelHandlerContext ctx, String why, Message reply, HandshakeException failure) {
    if (finished) {
      return;
    }
    finished = true;
    if (timer != null) {
      timer.cancel(false);
    }
    REFUSALS.warn("closing {}: {}", connection.remoteAddress(), why);
    failed(failure);
    if (reply != null && ctx.channel().isActive()) {
      ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  /**
   * What this connection's proofs are bound to: both TLS certificates' fingerprints, or nothing
   * without TLS (see {@code ChannelBinding}). Called once a message arrived, so TLS is established.
   */
  final byte[] channelBinding(ChannelHandlerContext ctx, boolean connector)
      throws SSLPeerUnverifiedException {
    SslHandler ssl = (SslHandler) ctx.pipeline().get(TLS);
    return ssl == null
        ? ChannelBinding.NONE
        : ChannelBinding.of(ssl.engine().getSession(), connector);
  }

  /**
   * A failed TLS handshake (an untrusted or expired certificate, no certificate, not TLS at all)
   * ends ours too.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      authFailed();
      refuse(ctx, "TLS handshake failed: " + tlsReason(done.cause()), null, true);
    }
    ctx.fireUserEventTriggered(evt);
  }

  private static String tlsReason(Throwable cause) {
    // The root cause says why ("CertificateExpiredException: NotAfter: ..."); the wrappers above it
    // ("General OpenSslEngine problem") do not.
    Throwable c = cause;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    if (c instanceof ClosedChannelException || c instanceof NotSslRecordException) {
      // What a node without TLS does with a ClientHello: it closes, or answers in plain text.
      return "the other side "
          + (c instanceof NotSslRecordException
              ? "answered without TLS"
              : "closed the connection during the TLS handshake")
          + " (is "
          + TLS_KEY
          + " the same on both sides?)";
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!finished) {
      finished = true;
      if (timer != null) {
        timer.cancel(false);
      }
      // Without TLS here, a node with TLS closes what it cannot read as TLS: say so, as it looks
      // like any other close.
      failed(
          new HandshakeException(
              "connection to "
                  + connection.remoteAddress()
                  + " closed before its handshake completed"
                  + (ctx.pipeline().get(TLS) == null
                      ? " (if that node requires TLS, set " + TLS_KEY + " here too)"
                      : "")));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Before the handshake every error is the stranger's: a frame over the small limit, garbage.
    Throwable shown =
        cause.getCause() != null && cause instanceof DecoderException ? cause.getCause() : cause;
    if (finished) {
      ctx.close();
    } else if (shown instanceof SSLException) {
      authFailed();
      refuse(ctx, "TLS handshake failed: " + tlsReason(shown), null, true);
    } else {
      refuse(ctx, "bad frame before the handshake: " + shown.getMessage(), null);
    }
  }
}
