package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One fetch's view of the peers: which known peer holds which piece, how many requests each has
 * from us, which answered busy (and until when), and which are banned. Also counts each piece's
 * holders, for rarest-first. Not thread-safe: the {@link FetchScheduler} owns it.
 */
final class PeerTable {
  /** A known peer. */
  static final class Peer {
    final PeerAddress address;
    final BitSet pieces = new BitSet();
    int inFlight;

    /** Pieces from it that failed their checksum. */
    int badPieces;

    /** Not asked before this time after it answered busy. */
    long busyUntil = Long.MIN_VALUE;

    /** Pieces it delivered that {@link SlowPeers} judged it by, and their average time per byte. */
    int piecesServed;

    double nanosPerByte;

    /** Pieces it holds, as far as we know. */
    int held;

    /** Its pieces came far more slowly than other peers' ({@link SlowPeers#served}). */
    boolean slowToServe;

    /** It holds far fewer pieces than the other neighbours ({@link SlowPeers#judgeLag}). */
    boolean lagging;

    /** Either of the two: asked last, and not counted as a neighbour. */
    boolean slow;

    /** Banned: no longer among the known peers, whatever still refers to it. */
    boolean banned;

    Peer(PeerAddress address) {
      this.address = address;
    }
  }

  /** An id no peer has, for {@link #choose}'s {@code except}. */
  static final int NO_PEER = Integer.MIN_VALUE;

  private final int pieceCount;

  /** Insertion-ordered, so that iteration (and with it every random tie-break) is deterministic. */
  private final IdIndex<Peer> peers = new IdIndex<>();

  private final Set<Integer> banned = new HashSet<>();
  private final int[] holders;

  /** Known peers judged slow. */
  private int slowPeers;

  /** Known peers with requests from us outstanding ({@link #busyPeers}). */
  private int busyPeers;

  /**
   * Which peer may serve which stripe's pieces; null without stripe trees (any peer, any piece).
   */
  private StripeParents stripes;

  private final BitSet scratch = new BitSet();

  /** The latest {@link Peer#busyUntil} ever set: no peer is busy after it. */
  private long latestBusyUntil = Long.MIN_VALUE;

  void stripes(StripeParents stripes) {
    this.stripes = stripes;
  }

  /** {@code p} answered busy: it is not asked again before {@code until}. */
  void busyUntil(Peer p, long until) {
    p.busyUntil = until;
    latestBusyUntil = Math.max(latestBusyUntil, until);
  }

  PeerTable(int pieceCount) {
    this.pieceCount = pieceCount;
    this.holders = new int[pieceCount];
  }

  /**
   * How many known peers have requests from us outstanding. Kept as requests start and end: it is
   * asked on every piece and every booking, and counting the peers each time was a twentieth of a
   * large simulation.
   */
  int busyPeers() {
    return busyPeers;
  }

  /** A request to {@code p} went out. */
  void requested(Peer p) {
    if (p.inFlight++ == 0 && !p.banned) {
      busyPeers++;
    }
  }

  /** A request to {@code p} ended (answered, failed or given up). */
  void ended(Peer p) {
    if (--p.inFlight == 0 && !p.banned) {
      busyPeers--;
    }
  }

  /**
   * Records that {@code address} holds {@code piece}; ignored for a banned peer or a piece out of
   * range. Returns whether the peer was known before.
   */
  boolean add(PeerAddress address, int piece) {
    // One lookup for the usual case, a notice from a known peer: notices are most of the events a
    // fetch handles (a banned peer is never among the known ones).
    Peer p = peers.get(address.id());
    boolean known = p != null;
    if (piece < 0 || piece >= pieceCount) {
      return known;
    }
    if (p == null) {
      if (banned.contains(address.id())) {
        return false;
      }
      p = new Peer(address);
      peers.add(address.id(), p);
    }
    if (!p.pieces.get(piece)) {
      p.pieces.set(piece);
      p.held++;
      holders[piece]++;
    }
    return known;
  }

  /** Records every piece of {@code pieces} (those in range) as held by {@code address}. */
  void addAll(PeerAddress address, BitSet pieces) {
    if (banned.contains(address.id())) {
      return;
    }
    for (int i = pieces.nextSetBit(0); i >= 0 && i < pieceCount; i = pieces.nextSetBit(i + 1)) {
      add(address, i);
    }
  }

  Peer get(int id) {
    return peers.get(id);
  }

  /** The peer answered that it no longer has {@code piece}; true if we thought it had. */
  boolean lostPiece(int id, int piece) {
    Peer p = peers.get(id);
    if (p == null || !p.pieces.get(piece)) {
      return false;
    }
    p.pieces.clear(piece);
    p.held--;
    holders[piece]--;
    return true;
  }

  /** Judges {@code p} slow or not from its two flags (see {@link SlowPeers}). */
  void judged(Peer p) {
    boolean slow = p.slowToServe || p.lagging;
    if (p.slow != slow && !p.banned) {
      slowPeers += slow ? 1 : -1;
    }
    p.slow = slow;
  }

  /** Whether peer {@code id} is known and judged slow. */
  boolean isSlow(int id) {
    Peer p = peers.get(id);
    return p != null && p.slow;
  }

  /** Whether any known peer is judged slow. */
  boolean anySlow() {
    return slowPeers > 0;
  }

  /** Forgets a peer and its pieces for the rest of the fetch. */
  void ban(int id) {
    banned.add(id);
    Peer p = peers.remove(id);
    if (p != null) {
      p.banned = true;
      if (p.slow) {
        slowPeers--;
      }
      if (p.inFlight > 0) {
        busyPeers--;
      }
      for (int i = p.pieces.nextSetBit(0); i >= 0; i = p.pieces.nextSetBit(i + 1)) {
        holders[i]--;
      }
    }
  }

  /** The known (not banned) peers' addresses, in the order they became known. */
  List<PeerAddress> addresses() {
    List<PeerAddress> out = new ArrayList<>(peers.size());
    for (Peer p : peers.values()) {
      out.add(p.address);
    }
    return out;
  }

  boolean isBanned(int id) {
    return banned.contains(id);
  }

  int size() {
    return peers.size();
  }

  /** Per piece, how many known peers hold it. Read-only for callers. */
  int[] holders() {
    return holders;
  }

  /** Pieces held by any known peer. */
  BitSet allPieces() {
    BitSet all = new BitSet(pieceCount);
    for (Peer p : peers.values()) {
      all.or(p.pieces);
    }
    return all;
  }

  /**
   * Pieces that some peer able to take another request ({@code maxPerPeer}, not busy at {@code
   * now}) holds, with at most {@code peerLimit} distinct peers busy; slow peers only if {@code
   * withSlow}.
   */
  BitSet servable(long now, int maxPerPeer, int peerLimit, boolean withSlow) {
    BitSet servable = new BitSet(pieceCount);
    int busy = peerLimit == DriverPriority.UNLIMITED ? 0 : busyPeers();
    for (Peer p : peers.values()) {
      if ((withSlow || !p.slow) && canTake(p, now, maxPerPeer) && withinLimit(p, busy, peerLimit)) {
        orServable(servable, p);
      }
    }
    return servable;
  }

  /** Adds the pieces {@code p} holds and may serve (with stripe trees, those of its stripes). */
  private void orServable(BitSet servable, Peer p) {
    if (stripes == null) {
      servable.or(p.pieces);
      return;
    }
    int bits = stripes.servedBy(p.address.id());
    if (stripes.all(bits)) {
      servable.or(p.pieces);
    } else if (bits != 0) {
      scratch.clear();
      scratch.or(p.pieces);
      scratch.and(stripes.pieces(bits));
      servable.or(scratch);
    }
  }

  /**
   * Whether {@code p} may get another request with {@code busy} peers busy and at most {@code
   * peerLimit} allowed: a busy one while they are within the limit, a new one while there is room.
   */
  private static boolean withinLimit(Peer p, int busy, int peerLimit) {
    return peerLimit == DriverPriority.UNLIMITED
        || (p.inFlight > 0 ? busy <= peerLimit : busy < peerLimit);
  }

  /**
   * The holder of {@code piece} other than peer {@code except} that {@code selector} picks among
   * those able to take another request; null if there is none.
   */
  Peer choose(int piece, long now, int except, int maxPerPeer, PeerSelector selector) {
    return choose(piece, now, except, maxPerPeer, selector, DriverPriority.UNLIMITED);
  }

  /** As {@link #choose(int, long, int, int, PeerSelector)}, with at most {@code peerLimit} busy. */
  Peer choose(
      int piece, long now, int except, int maxPerPeer, PeerSelector selector, int peerLimit) {
    List<PeerSelector.Candidate> candidates = new ArrayList<>();
    int busy = peerLimit == DriverPriority.UNLIMITED ? 0 : busyPeers();
    for (Peer p : peers.values()) {
      if (p.address.id() != except
          && p.pieces.get(piece)
          && (stripes == null || stripes.mayServe(p.address.id(), piece))
          && canTake(p, now, maxPerPeer)
          && withinLimit(p, busy, peerLimit)) {
        candidates.add(new PeerSelector.Candidate(p.address, p.inFlight));
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    if (slowPeers > 0) {
      List<PeerSelector.Candidate> fast = new ArrayList<>(candidates.size());
      for (PeerSelector.Candidate c : candidates) {
        if (!peers.get(c.peer().id()).slow) {
          fast.add(c);
        }
      }
      if (!fast.isEmpty()) {
        candidates = fast; // a slow peer is asked last
      }
    }
    return peers.get(selector.select(candidates).peer().id());
  }

  /**
   * The earliest time after {@code now} at which a busy peer may be asked again; {@link
   * Long#MAX_VALUE} if none is busy.
   */
  long earliestBusyUntilAfter(long now) {
    if (latestBusyUntil <= now) {
      return Long.MAX_VALUE; // the usual case, asked on every event: no peer busy, no scan
    }
    long earliest = Long.MAX_VALUE;
    for (Peer p : peers.values()) {
      if (p.busyUntil > now) {
        earliest = Math.min(earliest, p.busyUntil);
      }
    }
    return earliest;
  }

  private static boolean canTake(Peer p, long now, int maxPerPeer) {
    return p.inFlight < maxPerPeer && now >= p.busyUntil;
  }
}
