package io.swarmcast.transport;

import io.netty.channel.ChannelHandlerContext;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.AuthChallenge;
import io.swarmcast.protocol.AuthProof;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Hello;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RegisterExecutor;
import io.swarmcast.security.internal.SharedSecret;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The accepting side's handshake: the first message must be an opening ({@link RegisterExecutor} or
 * {@link Hello}) in this build's protocol version, and the node's {@link Admission} must take it;
 * then the answer ({@link ExecutorRegistered} or {@link Ack}) goes back and the connection is the
 * node's. A request before that is answered "handshake first" and the connection closed; anything
 * else just closes it. One instance per channel.
 */
final class ServerHandshake extends HandshakeHandler {
  /**
   * What a side that fails authentication is told: nothing more (which part failed is for the log).
   */
  static final String AUTH_FAILED = "authentication failed";

  private final Admission admission;

  /** The shared secret, or null: then openings are admitted without authentication. */
  private final SharedSecret secret;

  /**
   * With a secret: the opening waiting for the connector's proof, and the nonce it was challenged
   * with.
   */
  private Message.Opening challenged;

  private byte[] nonce;

  ServerHandshake(
      Connection connection,
      Admission admission,
      SharedSecret secret,
      Duration deadline,
      int maxFrameLength,
      LongAdder authFailures) {
    super(connection, deadline, maxFrameLength, authFailures);
    this.admission = admission;
    this.secret = secret;
  }

  @Override
  void opened(ChannelHandlerContext ctx) {
    // The client speaks first.
  }

  @Override
  void read(ChannelHandlerContext ctx, Message message) {
    if (challenged != null) {
      proven(ctx, message);
      return;
    }
    if (!(message instanceof Message.Opening opening)) {
      if (message instanceof Message.Request request) {
        refuse(
            ctx,
            message.type() + " before the handshake",
            new Failure(
                request.requestId(),
                "handshake first: a connection starts with RegisterExecutor or Hello, not "
                    + message.type()));
      } else {
        refuse(ctx, message.type() + " before the handshake", null);
      }
      return;
    }
    long id = opening.requestId();
    if (opening.protocolVersion() != Message.PROTOCOL_VERSION) {
      String why =
          "protocol version "
              + opening.protocolVersion()
              + " is not supported; this node speaks "
              + Message.PROTOCOL_VERSION;
      refuse(ctx, why, new Failure(id, why));
      return;
    }
    if (secret != null) {
      // Prove it first: nothing of the node is asked or touched until the connector has.
      challenged = opening;
      nonce = SharedSecret.nonce();
      ctx.writeAndFlush(new AuthChallenge(id, nonce));
      return;
    }
    admit(ctx, opening);
  }

  /** The connector's answer to the challenge: its proof, checked before anything else happens. */
  private void proven(ChannelHandlerContext ctx, Message message) {
    long id = challenged.requestId();
    if (!(message instanceof AuthProof p) || p.requestId() != id) {
      authFailed();
      refuse(
          ctx,
          AUTH_FAILED + ": sent " + message.type() + " instead of a proof",
          new Failure(id, AUTH_FAILED));
      return;
    }
    byte[] theirs = p.nonce();
    byte[] binding;
    try {
      binding = channelBinding(ctx, false);
    } catch (SSLPeerUnverifiedException e) {
      authFailed();
      refuse(
          ctx,
          AUTH_FAILED + ": no TLS certificate to bind the proof to",
          new Failure(id, AUTH_FAILED));
      return;
    }
    if (!SharedSecret.matches(secret.connectorProof(nonce, theirs, binding), p.proof())) {
      authFailed();
      refuse(
          ctx,
          AUTH_FAILED
              + ": wrong proof (another secret, a replayed exchange"
              + (binding.length > 0 ? ", or a man in the middle with its own certificate)" : ")"),
          new Failure(id, AUTH_FAILED));
      return;
    }
    ctx.write(
        new AuthProof(
            id, new byte[AuthChallenge.LENGTH], secret.acceptorProof(nonce, theirs, binding)));
    Message.Opening opening = challenged;
    challenged = null;
    admit(ctx, opening);
  }

  /**
   * Asks the node to take the (authenticated, if required) opening; answers and establishes, or
   * refuses.
   */
  private void admit(ChannelHandlerContext ctx, Message.Opening opening) {
    long id = opening.requestId();
    try {
      if (opening instanceof RegisterExecutor r) {
        int executorId = admission.admitExecutor(connection, r.host(), r.port());
        long incarnation = admission.driverIncarnation();
        ctx.writeAndFlush(new ExecutorRegistered(id, executorId, incarnation));
        established(ctx, RemoteRole.EXECUTOR, executorId, 0, incarnation);
      } else {
        Hello h = (Hello) opening; // Opening permits these two
        admission.admitPeer(connection, h.nodeId());
        long mine = admission.driverIncarnation();
        if (mine != 0 && h.driverIncarnation() != mine) {
          // A peer of another driver, or of this driver's previous run: its pieces are not ours.
          throw new HandshakeException(
              "executor "
                  + h.nodeId()
                  + " belongs to driver incarnation "
                  + Long.toHexString(h.driverIncarnation())
                  + ", this node to "
                  + Long.toHexString(mine));
        }
        ctx.writeAndFlush(new Ack(id));
        established(ctx, RemoteRole.PEER, h.nodeId(), -1, h.driverIncarnation());
      }
    } catch (HandshakeException e) {
      refuse(ctx, e.getMessage(), new Failure(id, e.getMessage()));
    }
  }

  @Override
  void failed(HandshakeException cause) {
    // Nobody waits for an accepted connection; the refusal is logged.
  }
}
