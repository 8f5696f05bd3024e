package io.swarmcast.tracker;

import io.swarmcast.protocol.Have;

/**
 * How the {@link Tracker} tells an executor about a new piece holder. The driver sends it on its
 * connection to that executor; tests record it. Called with the tracker's lock held:
 * implementations must not block nor call back into the tracker (a non-blocking socket write is
 * fine).
 */
@FunctionalInterface
public interface NoticeSender {
  /** Sends {@code notice} to executor {@code executorId}, if it is still there. */
  void have(int executorId, Have notice);
}
