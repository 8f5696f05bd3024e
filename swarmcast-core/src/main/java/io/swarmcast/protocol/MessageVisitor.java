package io.swarmcast.protocol;

/**
 * One method per {@link Message.Inbound} message type: what a node does with the requests and
 * notices it receives once a connection's handshake is done ({@link Message.Opening} messages are
 * the transport's, {@link Message.Response} messages complete the requester's future).
 *
 * <p>Exhaustive by construction, and enforced by the compiler: the interface has no default
 * methods, so adding an inbound message means adding its method here, and every node's handler then
 * fails to compile until it says what it does with it. A node that does not take a message (the
 * driver is sent no {@link Have}) implements its method by refusing it.
 *
 * @param <C> what the message came on (the transport's connection), passed through unchanged
 */
public interface MessageVisitor<C> {
  void getLocations(C from, GetLocations message);

  void announce(C from, Announce message);

  void announceMany(C from, AnnounceMany message);

  void have(C from, Have message);

  void fetchPiece(C from, FetchPiece message);

  void fetchAnyPiece(C from, FetchAnyPiece message);

  void removeBroadcast(C from, RemoveBroadcast message);

  void runTask(C from, RunTask message);

  void fetchReport(C from, FetchReport message);

  void getChecksums(C from, GetChecksums message);
}
