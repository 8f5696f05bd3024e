package io.swarmcast.node;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broadcasts an executor was told are destroyed, and where: the most recent {@value
 * #REMEMBERED}, so a handle shipped before the destroy reports {@code isValid() == false} here too.
 * Thread-safe.
 */
final class DestroyedBroadcasts {
  static final int REMEMBERED = 10_000;

  private final Map<Long, String> sites =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
          return size() > REMEMBERED;
        }
      };

  synchronized void add(long broadcastId, String site) {
    sites.put(broadcastId, site);
  }

  /** Where {@code broadcastId} was destroyed, or null if this node has not heard that it was. */
  synchronized String site(long broadcastId) {
    return sites.get(broadcastId);
  }

  /**
   * Forgets all: the driver they belonged to is gone, and a new one's ids mean other broadcasts.
   */
  synchronized void clear() {
    sites.clear();
  }
}
