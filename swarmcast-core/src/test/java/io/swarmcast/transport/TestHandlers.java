package io.swarmcast.transport;

import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.AnnounceMany;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.FetchReport;
import io.swarmcast.protocol.GetChecksums;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.protocol.RunTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Handlers for tests that play a node: one that hands every inbound message to a lambda (nodes must
 * not: their handlers name each message, see {@code MessageVisitor}), and an admission that takes
 * everyone.
 */
public final class TestHandlers {
  private TestHandlers() {}

  /** A handler that passes every inbound message to {@code onMessage} and ignores closes. */
  public static MessageHandler forAll(BiConsumer<Connection, Message> onMessage) {
    return new MessageHandler() {
      @Override
      public void getLocations(Connection from, GetLocations m) {
        onMessage.accept(from, m);
      }

      @Override
      public void announce(Connection from, Announce m) {
        onMessage.accept(from, m);
      }

      @Override
      public void announceMany(Connection from, AnnounceMany m) {
        onMessage.accept(from, m);
      }

      @Override
      public void have(Connection from, Have m) {
        onMessage.accept(from, m);
      }

      @Override
      public void fetchPiece(Connection from, FetchPiece m) {
        onMessage.accept(from, m);
      }

      @Override
      public void fetchAnyPiece(Connection from, FetchAnyPiece m) {
        onMessage.accept(from, m);
      }

      @Override
      public void removeBroadcast(Connection from, RemoveBroadcast m) {
        onMessage.accept(from, m);
      }

      @Override
      public void runTask(Connection from, RunTask m) {
        onMessage.accept(from, m);
      }

      @Override
      public void fetchReport(Connection from, FetchReport m) {
        onMessage.accept(from, m);
      }

      @Override
      public void getChecksums(Connection from, GetChecksums m) {
        onMessage.accept(from, m);
      }

      @Override
      public void onClosed(Connection connection) {}
    };
  }

  /** An admission that registers every executor under the next id from 1 and greets every peer. */
  public static Admission admitAll() {
    AtomicInteger ids = new AtomicInteger();
    return new Admission() {
      @Override
      public int admitExecutor(Connection from, String host, int port) {
        return ids.incrementAndGet();
      }

      @Override
      public void admitPeer(Connection from, int nodeId) {}

      @Override
      public long driverIncarnation() {
        return 0;
      }
    };
  }
}
