package io.swarmcast.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Message;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The connecting side's handshake: sends the {@link Greeting}'s opening as soon as the socket is
 * connected, and completes {@code result} with the connection once the accepted answer arrives. A
 * {@link Failure} answer, any other message, a closed socket or the deadline fail {@code result}
 * with a {@link HandshakeException} naming the remote address. One instance per channel.
 */
final class ClientHandshake extends HandshakeHandler {
  private final Greeting greeting;
  private final CompletableFuture<Connection> result;
  private long requestId;

  ClientHandshake(Connection connection, Greeting greeting, CompletableFuture<Connection> result, Duration deadline,
      int maxFrameLength) {
    super(connection, deadline, maxFrameLength);
    this.greeting = greeting;
    this.result = result;
  }

  @Override
  void opened(ChannelHandlerContext ctx) {
    requestId = Connection.nextRequestId();
    ctx.writeAndFlush(greeting.opening(requestId)).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        refuse(ctx, "could not send " + greeting.opening(requestId).type() + ": " + f.cause(), null);
      }
    });
  }

  @Override
  void read(ChannelHandlerContext ctx, Message message) {
    if (!(message instanceof Message.Response answer) || answer.requestId() != requestId) {
      refuse(ctx, "sent " + message.type() + " before answering the handshake", null);
    } else if (greeting.accepted().isInstance(answer)) {
      established(ctx, greeting.remoteRole(), greeting.remoteRole() == RemoteRole.DRIVER ? 0 : -1,
          greeting.localNodeId(answer), greeting.driverIncarnation(answer));
      result.complete(connection);
    } else if (answer instanceof Failure f) {
      refuse(ctx, f.message(), null, true);
    } else {
      refuse(ctx, "answered " + message.type() + " where " + greeting.accepted().getSimpleName() + " completes the handshake", null);
    }
  }

  @Override
  void failed(HandshakeException cause) {
    result.completeExceptionally(cause);
  }
}
