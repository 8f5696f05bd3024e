package io.swarmcast.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TCP relay on 127.0.0.1 that forwards every connection to {@code 127.0.0.1:targetPort} and keeps
 * a copy of every byte it forwards, in both directions: what an eavesdropper on the wire sees.
 * Given an {@link SSLContext}, it is a man in the middle instead: it terminates TLS on both sides
 * with its own certificate and forwards (and records) the plaintext. Threads are daemons; {@link
 * #close} ends them.
 */
final class TcpRelay implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final SSLContext mitm;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
  private final List<Socket> sockets = new ArrayList<>();

  TcpRelay(int targetPort, SSLContext mitm) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.mitm = mitm;
    Thread t = new Thread(this::acceptLoop, "relay-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Every byte forwarded so far, both directions interleaved. */
  byte[] seen() {
    synchronized (seen) {
      return seen.toByteArray();
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        if (mitm != null) {
          SSLSocket tlsIn =
              (SSLSocket) mitm.getSocketFactory().createSocket(in, null, in.getPort(), true);
          tlsIn.setUseClientMode(false);
          tlsIn.setWantClientAuth(true);
          SSLSocket tlsOut =
              (SSLSocket) mitm.getSocketFactory().createSocket(out, "127.0.0.1", targetPort, true);
          tlsOut.setUseClientMode(true);
          in = tlsIn;
          out = tlsOut;
        }
        track(in, out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private synchronized void track(Socket a, Socket b) {
    sockets.add(a);
    sockets.add(b);
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16 << 10];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  synchronized (seen) {
                    seen.write(buf, 0, n);
                  }
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // either side closed
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public synchronized void close() throws IOException {
    server.close();
    sockets.forEach(TcpRelay::closeQuietly);
  }
}
