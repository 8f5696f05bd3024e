package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Executor to driver, one way, once per fetch of a broadcast when it ends: how long it took, where
 * its bytes came from, and what went wrong. The driver shows it (the swarm page, {@code status});
 * no fetch depends on it. One message per executor and broadcast, so it costs the driver's link
 * nothing next to the pieces.
 *
 * <pre>
 * fetch-report: &lt;i64 broadcastId&gt;&lt;i64 nanos&gt;&lt;i64 fromDriverBytes&gt;&lt;i32 corruptPieces&gt;&lt;string failure&gt;
 *               &lt;u16 n&gt; n × (&lt;i32 peerId&gt;&lt;i64 bytes&gt;)   bytes received from each peer
 *               &lt;u16 m&gt; m × &lt;i32 peerId&gt;                 peers banned during the fetch
 * </pre>
 *
 * {@code failure} is empty for a fetch that completed; n and m are at most {@value #MAX_PEERS}.
 */
public record FetchReport(
    long broadcastId,
    long nanos,
    long fromDriverBytes,
    int corruptPieces,
    String failure,
    Map<Integer, Long> fromPeers,
    List<Integer> bannedPeers)
    implements Message.Inbound {
  /** Most peers one report names, in each list: a report stays a few tens of KiB at most. */
  public static final int MAX_PEERS = 4096;

  public FetchReport {
    Objects.requireNonNull(failure, "failure");
    if (fromPeers.size() > MAX_PEERS || bannedPeers.size() > MAX_PEERS) {
      throw new ProtocolException(
          "a fetch report names at most "
              + MAX_PEERS
              + " peers in each list, not "
              + fromPeers.size()
              + " and "
              + bannedPeers.size());
    }
    if (nanos < 0 || fromDriverBytes < 0 || corruptPieces < 0) {
      throw new ProtocolException(
          "negative figure in a fetch report: "
              + nanos
              + " ns, "
              + fromDriverBytes
              + " bytes, "
              + corruptPieces
              + " corrupt pieces");
    }
    fromPeers = Map.copyOf(fromPeers);
    bannedPeers = List.copyOf(bannedPeers);
  }

  /** Whether the fetch completed. */
  public boolean succeeded() {
    return failure.isEmpty();
  }

  /** Bytes received from peers, over all of them. */
  public long fromPeersBytes() {
    return fromPeers.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public MessageType type() {
    return MessageType.FETCH_REPORT;
  }

  @Override
  public <C> void accept(MessageVisitor<C> visitor, C from) {
    visitor.fetchReport(from, this);
  }

  @Override
  public int encodedLength() {
    return 28 + Wire.stringLength(failure) + 2 + 12 * fromPeers.size() + 2 + 4 * bannedPeers.size();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(broadcastId).writeLong(nanos).writeLong(fromDriverBytes).writeInt(corruptPieces);
    Wire.writeString(out, failure);
    out.writeShort(fromPeers.size());
    fromPeers.forEach((peer, bytes) -> out.writeInt(peer).writeLong(bytes));
    out.writeShort(bannedPeers.size());
    bannedPeers.forEach(out::writeInt);
  }

  public static FetchReport decode(ByteBuf in) {
    long broadcastId = in.readLong();
    long nanos = in.readLong();
    long fromDriver = in.readLong();
    int corrupt = in.readInt();
    String failure = Wire.readString(in);
    int n = in.readUnsignedShort();
    if (n > MAX_PEERS || in.readableBytes() < 12L * n) {
      throw new ProtocolException(
          "fetch report names "
              + n
              + " peers; at most "
              + MAX_PEERS
              + " fit, and "
              + in.readableBytes()
              + " bytes remain");
    }
    Map<Integer, Long> peers = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int peer = in.readInt();
      long bytes = in.readLong();
      if (bytes < 0) {
        throw new ProtocolException("fetch report: negative bytes " + bytes + " from peer " + peer);
      }
      peers.merge(peer, bytes, Long::sum);
    }
    int m = in.readUnsignedShort();
    if (m > MAX_PEERS || in.readableBytes() < 4L * m) {
      throw new ProtocolException(
          "fetch report bans "
              + m
              + " peers; at most "
              + MAX_PEERS
              + " fit, and "
              + in.readableBytes()
              + " bytes remain");
    }
    List<Integer> banned = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      banned.add(in.readInt());
    }
    return new FetchReport(broadcastId, nanos, fromDriver, corrupt, failure, peers, banned);
  }
}
