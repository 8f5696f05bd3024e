package io.swarmcast.node;

import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.AnnounceMany;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.FetchReport;
import io.swarmcast.protocol.GetChecksums;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.protocol.RunTask;
import io.swarmcast.transport.Admission;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.HandshakeException;
import io.swarmcast.transport.MessageHandler;
import io.swarmcast.transport.RemoteRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's side of its connections: admits peers (the handshake) and handles what the driver
 * and peers send, checking that each message comes from the side that may send it. One method per
 * inbound message; what executors are never sent is refused.
 */
final class ExecutorMessages implements MessageHandler, Admission {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorMessages.class);

  private final ExecutorNode node;

  ExecutorMessages(ExecutorNode node) {
    this.node = node;
  }

  @Override
  public int admitExecutor(Connection from, String host, int port) throws HandshakeException {
    throw new HandshakeException(
        "executors take Hello, not RegisterExecutor; register with the driver");
  }

  /**
   * Admits a peer by its claimed id, which this executor cannot check: it hears of other executors
   * only as piece holders. With a shared secret the peer has proven it is a member (the handshake
   * ran before this); which member it is stays a claim, so a peer's id decides nothing but whom
   * this executor's own fetches count a bad piece against. Peers are served pieces and locations
   * only; removal and tasks are taken from the driver's connection alone ({@link #fromDriver}).
   */
  @Override
  public void admitPeer(Connection from, int nodeId) throws HandshakeException {
    if (nodeId <= 0) {
      throw new HandshakeException("executor id " + nodeId + " is not one the driver gives");
    }
    if (node.driverIncarnation() == 0) {
      throw new HandshakeException("this executor has no driver at the moment");
    }
  }

  @Override
  public long driverIncarnation() {
    return node.driverIncarnation();
  }

  /**
   * From the driver's tracker, or (once its driver is gone, or when it asked) from a peer about
   * itself.
   */
  @Override
  public void have(Connection from, Have h) {
    if (!sameDriver(from, h)) {
      return;
    }
    SwarmFetcher f = node.fetcher(h.broadcastId());
    if (f != null) {
      f.onHave(h);
    }
  }

  @Override
  public void removeBroadcast(Connection from, RemoveBroadcast r) {
    if (fromDriver(from, r)) {
      node.removeBroadcast(r);
      from.send(new Ack(r.requestId()));
    }
  }

  /** Reports go to the driver; an executor sent one is talking to the wrong node. */
  @Override
  public void fetchReport(Connection from, FetchReport r) {
    LOG.warn("closing {}: executors are sent no {}", from, r.type());
    from.close();
  }

  @Override
  public void runTask(Connection from, RunTask t) {
    if (fromDriver(from, t)) {
      node.applicationRequests().run(from, t);
    }
  }

  @Override
  public void fetchPiece(Connection from, FetchPiece f) {
    if (!sameDriver(from, f)) {
      return;
    }
    if (from.remoteRole() == RemoteRole.PEER) {
      node.servePiece(from, f);
    } else {
      refuse(from, f, "executors do not handle FETCH_PIECE from the driver");
    }
  }

  @Override
  public void announce(Connection from, Announce a) {
    refuse(from, a, "executors do not handle ANNOUNCE; the driver's tracker does");
  }

  @Override
  public void announceMany(Connection from, AnnounceMany a) {
    refuse(from, a, "executors do not handle ANNOUNCE_MANY; the driver's tracker does");
  }

  /**
   * Peer exchange: a peer asks what this executor holds and which holders it knows (see {@link
   * PeerDirectory}).
   */
  @Override
  public void getLocations(Connection from, GetLocations g) {
    if (from.remoteRole() != RemoteRole.PEER) {
      refuse(from, g, "executors answer GET_LOCATIONS from peers only");
      return;
    }
    if (!sameDriver(from, g)) {
      return;
    }
    Locations answer = node.answerLocations(g, from);
    if (answer == null) {
      from.send(
          new Failure(
              g.requestId(),
              "executor "
                  + node.executorId()
                  + " does not know Broadcast("
                  + g.broadcastId()
                  + ")"));
    } else {
      from.send(answer);
    }
  }

  @Override
  public void fetchAnyPiece(Connection from, FetchAnyPiece f) {
    refuse(from, f, "executors do not handle FETCH_ANY_PIECE; only the driver chooses pieces");
  }

  /** Checksums come from the driver alone: a peer could vouch for the bytes it serves. */
  @Override
  public void getChecksums(Connection from, GetChecksums g) {
    refuse(from, g, "executors do not serve checksums; only the driver does");
  }

  @Override
  public void onClosed(Connection connection) {
    // Peers come and go; the driver's loss is watched by the node (see ExecutorNode.joined).
  }

  /**
   * True unless {@code from} is a peer of another driver incarnation than this executor's now:
   * after a new driver took over, a peer of the old one must not be served the new broadcasts that
   * reuse its ids.
   */
  private boolean sameDriver(Connection from, Message m) {
    if (from.remoteRole() != RemoteRole.PEER
        || from.driverIncarnation() == node.driverIncarnation()) {
      return true;
    }
    refuse(from, m, "this executor now belongs to another driver incarnation");
    return false;
  }

  /** True if {@code m} came from the driver; refuses it otherwise. */
  private boolean fromDriver(Connection from, Message m) {
    if (from.remoteRole() == RemoteRole.DRIVER) {
      return true;
    }
    refuse(from, m, "executors take " + m.type() + " from the driver only");
    return false;
  }

  /**
   * A request gets a Failure saying {@code why}; a notice closes the connection, as it breaks the
   * protocol.
   */
  private void refuse(Connection from, Message m, String why) {
    if (m instanceof Message.Request req) {
      from.send(new Failure(req.requestId(), why));
    } else {
      LOG.warn("closing {}: {}", from, why);
      from.close();
    }
  }
}
