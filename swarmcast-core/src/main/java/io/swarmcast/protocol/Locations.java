package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Tracker to executor: the executors that hold pieces of a broadcast, each with a bit set of its
 * pieces.
 *
 * <pre>
 * locations: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;i32 pieceCount&gt;&lt;i32 holders&gt;
 *            holders × (&lt;i32 executorId&gt;&lt;host host&gt;&lt;u16 port&gt;[&lt;bitset pieces&gt;])
 * </pre>
 *
 * <p>A piece count of 0 means names only: the holders carry no bit set at all. That is the
 * tracker's answer when executors keep neighbours (the asker asks each one what it holds), and the
 * bit set's 4-byte count, every time 0, was 14 % of those answers.
 */
public record Locations(long requestId, long broadcastId, int pieceCount, List<Holder> holders)
    implements Message.Response {
  /** Most holders one reply lists; a larger swarm is sampled by the tracker. */
  public static final int MAX_HOLDERS = 4096;

  /** One executor and the pieces it holds. */
  public record Holder(int executorId, String host, int port, BitSet pieces) {
    public Holder {
      Wire.checkPort(port);
    }
  }

  public Locations {
    if (pieceCount < 0 || pieceCount > Wire.MAX_PIECES) {
      throw new ProtocolException("piece count " + pieceCount + " is out of range");
    }
    if (holders.size() > MAX_HOLDERS) {
      throw new ProtocolException(holders.size() + " holders exceed " + MAX_HOLDERS);
    }
    holders = List.copyOf(holders);
    if (pieceCount == 0) {
      for (Holder h : holders) {
        if (!h.pieces().isEmpty()) {
          throw new ProtocolException(
              "holder " + h.executorId() + " has pieces in an answer of names only");
        }
      }
    }
  }

  @Override
  public MessageType type() {
    return MessageType.LOCATIONS;
  }

  @Override
  public int encodedLength() {
    int n = 8 + 8 + 4 + 4;
    for (Holder h : holders) {
      n += holderLength(h.host(), pieceCount);
    }
    return n;
  }

  /** Encoded bytes of one holder entry, for senders that bound a reply's size. */
  public static int holderLength(String host, int pieceCount) {
    return 4 + Wire.hostLength(host) + 2 + (pieceCount == 0 ? 0 : Wire.bitSetLength(pieceCount));
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeLong(broadcastId).writeInt(pieceCount).writeInt(holders.size());
    for (Holder h : holders) {
      out.writeInt(h.executorId());
      Wire.writeHost(out, h.host());
      out.writeShort(h.port());
      if (pieceCount > 0) {
        Wire.writeBitSet(out, h.pieces(), pieceCount);
      }
    }
  }

  public static Locations decode(ByteBuf in) {
    long requestId = in.readLong();
    long broadcastId = in.readLong();
    int pieceCount = in.readInt();
    int n = in.readInt();
    if (n < 0 || n > MAX_HOLDERS) {
      throw new ProtocolException(n + " holders is out of range [0, " + MAX_HOLDERS + "]");
    }
    List<Holder> holders = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int id = in.readInt();
      String host = Wire.readHost(in);
      int port = in.readUnsignedShort();
      BitSet pieces = pieceCount == 0 ? new BitSet() : Wire.readBitSet(in);
      if (pieces.length() > pieceCount) {
        throw new ProtocolException(
            "holder " + id + " claims piece " + (pieces.length() - 1) + " of " + pieceCount);
      }
      holders.add(new Holder(id, host, port, pieces));
    }
    return new Locations(requestId, broadcastId, pieceCount, holders);
  }
}
