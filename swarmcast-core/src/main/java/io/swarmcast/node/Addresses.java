package io.swarmcast.node;

import io.swarmcast.conf.ConfigException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which address a node listens on and which it tells others. They differ when a node binds every
 * interface ({@code 0.0.0.0}): no other node can connect to that, so a real address of this host is
 * advertised instead, or start-up fails saying which key to set.
 */
final class Addresses {
  private Addresses() {}

  /** The address to listen on: {@code bindHost} if set, else {@code host}. */
  static String bind(String bindHost, String host) {
    return bindHost.isBlank() ? host : bindHost.trim();
  }

  /**
   * The address to advertise for {@code host} (the value of {@code key}): itself, unless it is a
   * wildcard, in which case this host's first non-loopback address (IPv4 first) that is up.
   *
   * @throws ConfigException if {@code host} is a wildcard and this host has no such address
   */
  static String advertise(String host, String key) {
    if (!isWildcard(host)) {
      return host;
    }
    List<InetAddress> candidates = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
              candidates.add(a);
            }
          }
        }
      }
    } catch (SocketException e) {
      throw new ConfigException(
          key
              + " is "
              + host
              + " (every interface), and the interfaces cannot be listed to find an "
              + "address to advertise: "
              + e.getMessage()
              + "; set "
              + key
              + " to an address other nodes can reach");
    }
    return candidates.stream()
        .filter(a -> a instanceof Inet4Address)
        .findFirst()
        .or(() -> candidates.stream().findFirst())
        .map(InetAddress::getHostAddress)
        .orElseThrow(
            () ->
                new ConfigException(
                    key
                        + " is "
                        + host
                        + " (every interface), but this host has no non-loopback "
                        + "address to advertise; set "
                        + key
                        + " to an address other nodes can reach (and, to listen on every "
                        + "interface, the matching bindHost key to "
                        + host
                        + ")"));
  }

  static boolean isWildcard(String host) {
    String h = host.trim();
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("*");
  }
}
