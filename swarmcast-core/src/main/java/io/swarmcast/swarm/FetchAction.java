package io.swarmcast.swarm;

import java.util.BitSet;
import java.util.List;

/**
 * What a {@link FetchScheduler} asks its adapter to do. Each request carries a token; the adapter
 * reports the request's outcome to the scheduler under that token. The adapter handles actions
 * through a {@link Handler}, one method per kind, so a new kind of action does not compile until
 * every adapter (the network one, a simulator) handles it.
 */
public sealed interface FetchAction {

  /** Calls the {@code handler} method for this kind of action. */
  void applyTo(Handler handler);

  /** One method per kind of action. */
  interface Handler {
    void askLocations(AskLocations action);

    void askPeers(AskPeers action);

    void fetchFromPeer(FetchFromPeer action);

    void fetchFromDriver(FetchFromDriver action);

    void fetchAnyFromDriver(FetchAnyFromDriver action);

    void cancel(Cancel action);

    void banPeer(BanPeer action);

    void wakeAt(WakeAt action);

    void done(Done action);

    void fail(Fail action);
  }

  /**
   * Ask the tracker which peers hold which pieces (also subscribes to its {@code Have} notices).
   */
  record AskLocations() implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.askLocations(this);
    }
  }

  /**
   * The driver is gone: ask each of {@code peers} which pieces it holds and which holders it knows,
   * reporting each answer with {@link FetchScheduler#onPeerLocations} or {@link
   * FetchScheduler#onPeerLocationsFailed}.
   */
  record AskPeers(List<PeerAddress> peers) implements FetchAction {
    public AskPeers {
      peers = List.copyOf(peers);
    }

    @Override
    public void applyTo(Handler handler) {
      handler.askPeers(this);
    }
  }

  /**
   * Ask {@code peer} for {@code piece}; {@code ahead}: before it holds it (its stripe's next piece,
   * with stripe trees), to be sent once stored.
   */
  record FetchFromPeer(long token, PeerAddress peer, int piece, boolean ahead)
      implements FetchAction {
    /** A request for a piece the peer holds. */
    public FetchFromPeer(long token, PeerAddress peer, int piece) {
      this(token, peer, piece, false);
    }

    @Override
    public void applyTo(Handler handler) {
      handler.fetchFromPeer(this);
    }
  }

  /** Ask the driver for {@code piece} itself (the direct strategy). */
  record FetchFromDriver(long token, int piece) implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.fetchFromDriver(this);
    }
  }

  /**
   * Ask the driver for any piece outside {@code exclude} (held here, being fetched, or held by a
   * known peer); it picks the one it has sent least, or declines. A duplicate (a piece it sent
   * before) only if {@code allowDuplicate}.
   */
  record FetchAnyFromDriver(long token, BitSet exclude, boolean allowDuplicate)
      implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.fetchAnyFromDriver(this);
    }
  }

  /** The answer to this request is no longer wanted: drop it when it comes, and report nothing. */
  record Cancel(long token) implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.cancel(this);
    }
  }

  /** {@code peer} is no longer asked for anything in this fetch. */
  record BanPeer(int peerId, Reason reason) implements FetchAction {
    /** Why a peer is banned. */
    public enum Reason {
      /** It sent a piece that failed its checksum. */
      CORRUPT,
      /** The connection, its handshake or the request failed. */
      FAILED,
      /** It did not answer within the policy's peer timeout. */
      STALLED
    }

    @Override
    public void applyTo(Handler handler) {
      handler.banPeer(this);
    }
  }

  /**
   * Report {@link FetchScheduler#onTimer} at {@code nanoTime} (the scheduler's clock) or soon
   * after.
   */
  record WakeAt(long nanoTime) implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.wakeAt(this);
    }
  }

  /** Every piece is here. */
  record Done() implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.done(this);
    }
  }

  /** The fetch cannot finish, for {@code cause}. */
  record Fail(Throwable cause) implements FetchAction {
    @Override
    public void applyTo(Handler handler) {
      handler.fail(this);
    }
  }
}
