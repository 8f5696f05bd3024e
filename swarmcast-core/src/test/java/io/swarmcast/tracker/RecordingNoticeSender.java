package io.swarmcast.tracker;

import io.swarmcast.protocol.Have;
import java.util.ArrayList;
import java.util.List;

/** A {@link NoticeSender} that keeps what the tracker sent, in order, for tests. Thread-safe. */
final class RecordingNoticeSender implements NoticeSender {
  /** One notice and the executor it went to. */
  record Sent(int to, Have notice) {}

  private final List<Sent> sent = new ArrayList<>();

  @Override
  public synchronized void have(int executorId, Have notice) {
    sent.add(new Sent(executorId, notice));
  }

  synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  List<Have> notices() {
    return sent().stream().map(Sent::notice).toList();
  }
}
