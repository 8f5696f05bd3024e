package io.swarmcast.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.swarmcast.protocol.AuthChallenge;
import io.swarmcast.protocol.AuthProof;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Message;
import io.swarmcast.security.internal.SharedSecret;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The connecting side's handshake: sends the {@link Greeting}'s opening as soon as the socket is
 * connected, and completes {@code result} with the connection once the accepted answer arrives. A
 * {@link Failure} answer, any other message, a closed socket or the deadline fail {@code result}
 * with a {@link HandshakeException} naming the remote address. One instance per channel.
 */
final class ClientHandshake extends HandshakeHandler {
  private final Greeting greeting;
  private final CompletableFuture<Connection> result;

  /** The shared secret, or null: then an acceptor that asks for authentication is refused. */
  private final SharedSecret secret;

  private long requestId;

  /**
   * With a secret: this side's nonce once challenged, and whether the acceptor has proven itself.
   */
  private byte[] nonce;

  private byte[] acceptorNonce;

  /** The TLS certificates the proofs are bound to (empty without TLS), fixed once challenged. */
  private byte[] binding;

  private boolean acceptorProven;

  ClientHandshake(
      Connection connection,
      Greeting greeting,
      CompletableFuture<Connection> result,
      SharedSecret secret,
      Duration deadline,
      int maxFrameLength,
      LongAdder authFailures) {
    super(connection, deadline, maxFrameLength, authFailures);
    this.greeting = greeting;
    this.result = result;
    this.secret = secret;
  }

  @Override
  void opened(ChannelHandlerContext ctx) {
    requestId = Connection.nextRequestId();
    ctx.writeAndFlush(greeting.opening(requestId))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    refuse(
                        ctx,
                        "could not send " + greeting.opening(requestId).type() + ": " + f.cause(),
                        null);
                  }
                });
  }

  @Override
  void read(ChannelHandlerContext ctx, Message message) {
    if (!(message instanceof Message.Response answer) || answer.requestId() != requestId) {
      refuse(ctx, "sent " + message.type() + " before answering the handshake", null);
    } else if (answer instanceof AuthChallenge challenge) {
      if (secret == null) {
        refuseAuthentication(
            ctx, "it requires a shared secret and none is configured (swarmcast.auth.secret)");
        return;
      }
      try {
        binding = channelBinding(ctx, true);
      } catch (SSLPeerUnverifiedException e) {
        refuseAuthentication(ctx, "no TLS certificate to bind the proof to: " + e.getMessage());
        return;
      }
      acceptorNonce = challenge.nonce();
      nonce = SharedSecret.nonce();
      ctx.writeAndFlush(
          new AuthProof(requestId, nonce, secret.connectorProof(acceptorNonce, nonce, binding)));
    } else if (answer instanceof AuthProof proof) {
      if (nonce == null
          || !SharedSecret.matches(
              secret.acceptorProof(acceptorNonce, nonce, binding), proof.proof())) {
        refuseAuthentication(
            ctx,
            "it does not prove it knows the shared secret"
                + (binding.length > 0
                    ? " over this TLS connection (another secret, or a man in the middle)"
                    : ""));
        return;
      }
      acceptorProven = true;
    } else if (greeting.accepted().isInstance(answer)) {
      if (secret != null && !acceptorProven) {
        // Mutual: an acceptor without the secret (or one that skipped it) is not trusted either.
        refuseAuthentication(
            ctx, "it did not authenticate itself (no shared secret on that side?)");
        return;
      }
      established(
          ctx,
          greeting.remoteRole(),
          greeting.remoteRole() == RemoteRole.DRIVER ? 0 : -1,
          greeting.localNodeId(answer),
          greeting.driverIncarnation(answer));
      result.complete(connection);
    } else if (answer instanceof Failure f) {
      if (f.message().startsWith(ServerHandshake.AUTH_FAILED)) {
        refuseAuthentication(ctx, "it refused this side's proof (a different secret?)");
        return;
      }
      refuse(ctx, f.message(), null, true);
    } else {
      refuse(
          ctx,
          "answered "
              + message.type()
              + " where "
              + greeting.accepted().getSimpleName()
              + " completes the handshake",
          null);
    }
  }

  @Override
  void failed(HandshakeException cause) {
    result.completeExceptionally(cause);
  }
}
