package io.swarmcast.swarm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests one fetch has outstanding, by token: to which source, for which piece, and since
 * when; per piece how many peers were asked (2 only in the end game); per source how many are in
 * flight. Not thread-safe: the {@link FetchScheduler} owns it.
 */
final class OutstandingRequests {
  /** The driver's stand-in for a peer id. */
  static final int DRIVER = -1;

  /**
   * An outstanding request: to a peer or the {@link #DRIVER}, for a piece or (-1) for any piece,
   * sent at {@code sentAt}.
   */
  record Request(long token, int source, int piece, long sentAt) {}

  private final Map<Long, Request> byToken = new HashMap<>();

  /**
   * Peer requests in the order they were sent, ended ones dropped lazily from the front: the oldest
   * outstanding one is asked for on every event ({@link #oldestToPeers}), and a scan was a tenth of
   * a simulation's time.
   */
  private final ArrayDeque<Request> peerRequestsBySending = new ArrayDeque<>();

  private final PeerTable peers;
  private long nextToken = 1;

  /**
   * Pieces with a request outstanding: to a peer ({@link #peerRequests} > 0), or to the driver by
   * index.
   */
  final BitSet inFlight = new BitSet();

  /** Per piece: peer requests outstanding, the peer asked last, and when. */
  final int[] peerRequests;

  final int[] askedPeer;
  final long[] askedAt;
  int toDriver;
  int toPeers;

  OutstandingRequests(int pieceCount, PeerTable peers) {
    this.peers = peers;
    this.peerRequests = new int[pieceCount];
    this.askedPeer = new int[pieceCount];
    this.askedAt = new long[pieceCount];
  }

  /** Books a request for {@code piece} to {@code peer}; returns its token. */
  long toPeer(PeerTable.Peer peer, int piece, long now) {
    inFlight.set(piece);
    peerRequests[piece]++;
    askedPeer[piece] = peer.address.id();
    askedAt[piece] = now;
    peers.requested(peer);
    toPeers++;
    long token = add(peer.address.id(), piece, now);
    peerRequestsBySending.add(byToken.get(token));
    return token;
  }

  /** Books a request to the driver, for {@code piece} or (-1) any piece; returns its token. */
  long toDriver(int piece) {
    if (piece >= 0) {
      inFlight.set(piece);
    }
    toDriver++;
    return add(DRIVER, piece, Long.MIN_VALUE);
  }

  /** Removes a request and releases what it held; null if the token is unknown. */
  Request end(long token) {
    Request r = byToken.remove(token);
    if (r != null) {
      release(r);
    }
    return r;
  }

  /**
   * Ends the other peer requests for {@code piece} (the end game's losers) and returns their
   * tokens.
   */
  List<Long> endDuplicates(int piece) {
    List<Long> tokens = new ArrayList<>();
    if (peerRequests[piece] == 0) {
      return tokens;
    }
    for (var it = byToken.values().iterator(); it.hasNext(); ) {
      Request r = it.next();
      if (r.piece() == piece && r.source() != DRIVER) {
        it.remove();
        release(r);
        tokens.add(r.token());
      }
    }
    return tokens;
  }

  /**
   * The peer requests sent at or before {@code sentBefore}: the stalled ones, once that is now
   * minus the timeout.
   */
  List<Request> toPeersSentBy(long sentBefore) {
    List<Request> old = new ArrayList<>();
    for (Request r : byToken.values()) {
      if (r.source() != DRIVER && r.sentAt() <= sentBefore) {
        old.add(r);
      }
    }
    return old;
  }

  /** When the oldest peer request was sent; {@link Long#MAX_VALUE} if none is outstanding. */
  long oldestToPeers() {
    // Sent in clock order, so the first still outstanding is the oldest.
    Request first;
    while ((first = peerRequestsBySending.peekFirst()) != null
        && byToken.get(first.token()) != first) {
      peerRequestsBySending.pollFirst();
    }
    return first == null ? Long.MAX_VALUE : first.sentAt();
  }

  /** Ends every request to the driver (it is gone) and returns their tokens. */
  List<Long> endDriverRequests() {
    List<Long> tokens = new ArrayList<>();
    for (var it = byToken.values().iterator(); it.hasNext(); ) {
      Request r = it.next();
      if (r.source() == DRIVER) {
        it.remove();
        release(r);
        tokens.add(r.token());
      }
    }
    return tokens;
  }

  /** Ends every request and returns their tokens. */
  List<Long> endAll() {
    List<Long> tokens = new ArrayList<>(byToken.keySet());
    byToken.values().forEach(this::release);
    byToken.clear();
    return tokens;
  }

  int size() {
    return byToken.size();
  }

  private long add(int source, int piece, long sentAt) {
    Request r = new Request(nextToken++, source, piece, sentAt);
    byToken.put(r.token(), r);
    return r.token();
  }

  private void release(Request r) {
    if (r.source() == DRIVER) {
      toDriver--;
      if (r.piece() >= 0 && peerRequests[r.piece()] == 0) {
        inFlight.clear(r.piece());
      }
      return;
    }
    PeerTable.Peer p = peers.get(r.source());
    if (p != null) {
      peers.ended(p);
    }
    toPeers--;
    if (--peerRequests[r.piece()] == 0) {
      inFlight.clear(r.piece());
    }
  }
}
