package io.swarmcast.swarm;

import java.util.List;

/**
 * Where a fetch's requests go: {@link #torrent()} asks peers and the driver, {@link #direct()} the
 * driver alone. A strategy books requests on the {@link FetchScheduler}'s state when asked; it
 * keeps no state of its own, so one instance serves every fetch.
 */
public abstract sealed class FetchStrategy permits TorrentStrategy, DirectStrategy {
  FetchStrategy() {}

  /** Peers and the driver: the driver sends each piece about once, executors forward them. */
  public static FetchStrategy torrent() {
    return TorrentStrategy.INSTANCE;
  }

  /**
   * The driver alone, pieces in order: the baseline every peer-to-peer scheme is measured against.
   */
  public static FetchStrategy direct() {
    return DirectStrategy.INSTANCE;
  }

  /** The strategy a broadcast of {@code mode} fetches with. */
  public static FetchStrategy of(FetchMode mode) {
    return switch (mode) {
      case SWARM -> torrent();
      case DRIVER_ONLY -> direct();
    };
  }

  /** The first requests of a fetch that lacks some piece. */
  abstract void start(FetchScheduler s, List<FetchAction> out);

  /** Books every request the limits allow now. */
  abstract void book(FetchScheduler s, List<FetchAction> out);
}
