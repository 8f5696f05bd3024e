package io.swarmcast.bench.cluster;

import io.swarmcast.cli.JsonLine;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The plain TCP ceiling of this machine's loopback, the yardstick for {@code swarmcast bench
 * --loopback}: one JVM sends BYTES over one connection to another, which times from accepting the
 * connection to the last byte received. No framing, no copies beyond the kernel's, a 4 MiB direct
 * buffer written again and again; default socket options, as Swarmcast gets them. Run as two
 * processes:
 *
 * <pre>
 * java -cp CP io.swarmcast.bench.cluster.TcpCeiling receive BYTES REPS   prints "port P", then per rep a JSON line
 * java -cp CP io.swarmcast.bench.cluster.TcpCeiling send PORT BYTES REPS
 * </pre>
 *
 * The receiver's JSON lines are {@code {"rep":1,"bytes":536870912,"seconds":0.1234}}.
 * Single-threaded.
 */
public final class TcpCeiling {
  private static final int BUFFER = 4 << 20;

  private TcpCeiling() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 3 && args[0].equals("receive")) {
      receive(Long.parseLong(args[1]), Integer.parseInt(args[2]), System.out);
    } else if (args.length == 4 && args[0].equals("send")) {
      send(Integer.parseInt(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]));
    } else {
      System.err.println("usage: TcpCeiling receive BYTES REPS | send PORT BYTES REPS");
      System.exit(2);
    }
  }

  /**
   * Accepts {@code reps} connections one after another on 127.0.0.1, reading {@code bytes} from
   * each.
   */
  static void receive(long bytes, int reps, PrintStream out) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      out.println("port " + ((InetSocketAddress) server.getLocalAddress()).getPort());
      out.flush();
      ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
      for (int rep = 1; rep <= reps; rep++) {
        try (SocketChannel in = server.accept()) {
          long t0 = System.nanoTime();
          long got = 0;
          while (got < bytes) {
            buf.clear();
            int n = in.read(buf);
            if (n < 0) {
              throw new IOException("the sender closed after " + got + " of " + bytes + " bytes");
            }
            got += n;
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          out.println(line(rep, got, seconds));
          out.flush();
        }
      }
    }
  }

  /** The receiver's line for one repetition, which {@link CeilingRun#parse} reads. */
  static String line(int rep, long bytes, double seconds) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("rep", rep);
    fields.put("bytes", bytes);
    fields.put("seconds", JsonLine.fixed(seconds, 6));
    return JsonLine.write(fields);
  }

  /** Connects {@code reps} times to 127.0.0.1:{@code port}, writing {@code bytes} each time. */
  static void send(int port, long bytes, int reps) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER);
    for (int i = 0; i < BUFFER; i += Long.BYTES) {
      buf.putLong(
          i,
          i * 0x9E37_79B9_7F4A_7C15L); // not zeros, though nothing on loopback would compress them
    }
    for (int rep = 1; rep <= reps; rep++) {
      try (SocketChannel out =
          SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        long left = bytes;
        while (left > 0) {
          buf.clear().limit((int) Math.min(BUFFER, left));
          while (buf.hasRemaining()) {
            left -= out.write(buf);
          }
        }
        out.shutdownOutput();
        // Wait for the receiver to close, so the next connection does not overlap this one.
        while (out.read(ByteBuffer.allocate(1)) >= 0) {
          // nothing is sent back
        }
      }
    }
  }
}
