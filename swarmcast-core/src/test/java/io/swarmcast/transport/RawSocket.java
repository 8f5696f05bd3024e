package io.swarmcast.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.MessageDecoder;
import io.swarmcast.protocol.MessageEncoder;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * A plain blocking socket that speaks the wire format by hand, for tests that must break the
 * protocol (skip the handshake, send oversized frames) or watch exactly what a node answers.
 */
public final class RawSocket implements AutoCloseable {
  private final Socket socket = new Socket();
  private final DataInputStream in;

  public RawSocket(int port) throws IOException {
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
  }

  /** The frame bytes of {@code m}, as the encoder writes them. */
  public static byte[] frame(Message m) {
    EmbeddedChannel ch = new EmbeddedChannel(MessageEncoder.INSTANCE);
    try {
      ch.writeOutbound(m);
      ByteBuf all = Unpooled.buffer();
      for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
        all.writeBytes(b);
        b.release();
      }
      byte[] bytes = ByteBufUtil.getBytes(all);
      all.release();
      return bytes;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  public RawSocket send(Message m) throws IOException {
    return write(frame(m));
  }

  public RawSocket write(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** The next message the node sent; EOFException if it closed instead. */
  public Message read() throws IOException {
    int length = in.readInt();
    byte[] body = new byte[length];
    in.readFully(body);
    ByteBuf frame = Unpooled.wrappedBuffer(body);
    try {
      return MessageDecoder.decode(frame);
    } finally {
      frame.release();
    }
  }

  /** True once the node closed (EOF or reset); false if it sent bytes instead. */
  public boolean closedByPeer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException | EOFException reset) {
      return true;
    }
  }

  /**
   * Reads and drops whatever the node sends (keepalives, say) until it closes; true then, false if
   * it kept the connection open for the socket's read timeout.
   */
  public boolean awaitClosed() throws IOException {
    byte[] sink = new byte[4096];
    try {
      while (in.read(sink) != -1) {
        // dropped
      }
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (SocketException | EOFException reset) {
      return true;
    }
  }

  /** The raw stream to the node, for tests that write a frame piece by piece. */
  public OutputStream output() throws IOException {
    return socket.getOutputStream();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
