package io.swarmcast.spark;

import io.netty.channel.epoll.Epoll;
import io.swarmcast.conf.SwarmConf;

/**
 * Says which transport a node uses, for the start-up log. Inside the shaded jar Netty is relocated
 * and its native epoll library renamed to match; where that library cannot load (not Linux x86_64,
 * a noexec temp directory, {@code swarmcast.network.native=false}) the node uses Java NIO, which
 * works everywhere but does not pace uploads.
 */
final class Transport {
  private Transport() {}

  static String describe(SwarmConf conf) {
    if (!conf.get(SwarmConf.NATIVE_TRANSPORT)) {
      return "transport: Java NIO (" + SwarmConf.NATIVE_TRANSPORT.name() + "=false)";
    }
    if (Epoll.isAvailable()) {
      return "transport: native epoll (" + Epoll.class.getPackageName() + ")";
    }
    return "transport: Java NIO, as native epoll is unavailable: " + Epoll.unavailabilityCause();
  }
}
