package io.swarmcast.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * A listening socket; {@link #port()} is the one actually bound. Closing it stops accepting.
 * Thread-safe.
 */
public final class TransportServer implements AutoCloseable {
  private final Channel channel;

  TransportServer(Channel channel) {
    this.channel = channel;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
