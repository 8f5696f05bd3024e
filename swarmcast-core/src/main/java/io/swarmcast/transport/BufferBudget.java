package io.swarmcast.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.swarmcast.conf.ByteSize;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's budget for bytes held in incomplete incoming frames, over all its connections ({@code
 * swarmcast.network.maxBufferedBytes}). The framer keeps every byte of a frame until its last one
 * arrives, up to {@code maxFrameSize} (65 MiB) per connection: 14 clients that each send 63 MiB of
 * a frame and stall would hold 882 MiB of direct memory, and a node with 1 GiB of it fails to
 * allocate anything else. The budget makes the sum, not each connection, the thing that is bounded.
 *
 * <p>Each connection has a {@link Meter}: its {@linkplain Meter#in() in} handler sits just before
 * the framer and counts the bytes read, its {@linkplain Meter#out() out} handler just after it and
 * counts the frames emitted (body plus the 4-byte length prefix). The difference is what the framer
 * holds:
 *
 * <pre>
 *   socket ──bytes──▶ [meter in: held += n] ──▶ [framer: cumulation] ──frame──▶ [meter out: held -= 4 + body] ──▶ decoder
 *                            │
 *                            └─ sum over all connections of held &gt; budget?
 *                                 close the connection holding the most (this one or another), log once
 * </pre>
 *
 * The framer decodes every complete frame in a read before it returns, so between reads all it
 * holds is one incomplete frame. A connection that is being closed for the budget reads nothing
 * more, and its bytes count until its close has run (the framer then releases its buffers), but not
 * towards choosing the next one to close; when it closes, its bytes leave the sum. So the sum
 * passes the budget only by connections already chosen to be closed, for as long as their event
 * loop takes to close them (the chooser may run on another loop).
 *
 * <p>The count is of readable bytes; the pooled buffers behind them are somewhat larger (a socket
 * read fills part of its buffer). Thread-safe: meters run on their channels' event loops, the
 * choice of whom to close is made under this object's lock, and only when over budget.
 */
final class BufferBudget {
  private static final Logger LOG = LoggerFactory.getLogger(BufferBudget.class);

  /** The length prefix the framer strips from every frame it emits. */
  private static final int LENGTH_PREFIX = 4;

  private final long limit;

  /** Bytes held over all connections, including those being closed. */
  private final AtomicLong held = new AtomicLong();

  /** Of {@link #held}, the bytes of connections already chosen to be closed. */
  private final AtomicLong releasing = new AtomicLong();

  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
  private final RateLimitedLog closes = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  BufferBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit < 1: " + limit);
    }
    this.limit = limit;
  }

  /** A meter for {@code ch}, counted from now until the channel closes. */
  Meter meter(Channel ch) {
    Meter m = new Meter(ch);
    meters.add(m);
    ch.closeFuture().addListener(f -> m.closed());
    return m;
  }

  /** Bytes held in incomplete frames over all connections now. */
  long held() {
    return held.get();
  }

  long limit() {
    return limit;
  }

  /** If over budget, chooses the connection holding the most and closes it; returns it, or null. */
  private synchronized Meter overBudget() {
    if (held.get() - releasing.get() <= limit) {
      return null;
    }
    Meter largest = null;
    for (Meter m : meters) {
      if (!m.closing && (largest == null || m.held > largest.held)) {
        largest = m;
      }
    }
    if (largest == null) {
      return null;
    }
    largest.closing = true;
    largest.reserved = largest.held;
    releasing.addAndGet(largest.reserved);
    closes.warn(
        "closing {}: it holds {} of an incomplete frame, and this node's connections hold {}, over the {} of "
            + "swarmcast.network.maxBufferedBytes",
        largest.channel.remoteAddress(),
        ByteSize.format(largest.reserved),
        ByteSize.format(held.get()),
        ByteSize.format(limit));
    largest.channel.close();
    return largest;
  }

  /** One connection's share of the budget. Its handlers run on its event loop. */
  final class Meter {
    private final Channel channel;
    private final In in = new In();
    private final Out out = new Out();

    /** Bytes the framer holds; written on the event loop, read by {@link #overBudget} anywhere. */
    private volatile long held;

    /**
     * Chosen to be closed: reads nothing more and is not chosen again. Guarded by the budget's
     * lock.
     */
    private volatile boolean closing;

    /** What {@link #held} was when this connection was chosen; guarded by the budget's lock. */
    private long reserved;

    private boolean closed;

    private Meter(Channel channel) {
      this.channel = channel;
    }

    /** The handler before the framer. */
    ChannelInboundHandlerAdapter in() {
      return in;
    }

    /** The handler after the framer. */
    ChannelInboundHandlerAdapter out() {
      return out;
    }

    private void add(long n) {
      if (closed) {
        return; // the framer's last words as it is torn down: its bytes already left the sum
      }
      held += n;
      BufferBudget.this.held.addAndGet(n);
    }

    /** The channel has closed: its buffers are gone. On the event loop; once. */
    private void closed() {
      synchronized (BufferBudget.this) {
        if (closed) {
          return;
        }
        closed = true;
        meters.remove(this);
        BufferBudget.this.held.addAndGet(-held);
        held = 0;
        if (closing) {
          releasing.addAndGet(-reserved);
        }
      }
    }

    private final class In extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing || closed) {
          ReferenceCountUtil.release(msg); // being closed for the budget: buffer nothing more
          return;
        }
        if (msg instanceof ByteBuf b) {
          add(b.readableBytes());
          if (overBudget() == Meter.this) {
            b.release();
            return;
          }
        }
        ctx.fireChannelRead(msg);
      }
    }

    private final class Out extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf frame) {
          add(-(LENGTH_PREFIX + (long) frame.readableBytes()));
        }
        ctx.fireChannelRead(msg);
      }
    }
  }
}
