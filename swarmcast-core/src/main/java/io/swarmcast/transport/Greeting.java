package io.swarmcast.transport;

import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Hello;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RegisterExecutor;

/**
 * What a connecting node says first, and the answer that completes its handshake. There are two,
 * and their messages are fixed by the wire protocol: an executor registers with the driver ({@link
 * RegisterExecutor}, answered by {@link ExecutorRegistered} with the executor's id) and greets
 * other executors ({@link Hello}, answered by {@link Ack}). Immutable.
 */
public sealed interface Greeting {
  /** An executor joining the driver, serving pieces on {@code host:port}. */
  static Greeting register(String host, int port) {
    return new Register(host, port);
  }

  /**
   * Executor {@code nodeId} of the driver incarnation {@code driverIncarnation} opening a peer
   * connection.
   */
  static Greeting hello(int nodeId, long driverIncarnation) {
    return new PeerHello(nodeId, driverIncarnation);
  }

  /**
   * A peer greeting that names no driver incarnation (for tools; a node of a driver refuses it).
   */
  static Greeting hello(int nodeId) {
    return new PeerHello(nodeId, 0);
  }

  /** The opening request, with the transport's request id. */
  Message.Opening opening(long requestId);

  /** The answer type that completes the handshake (any other but a Failure breaks it). */
  Class<? extends Message.Response> accepted();

  /** What the other side is once the handshake is done. */
  RemoteRole remoteRole();

  /** The id this side has on the connection, from the accepted answer. */
  int localNodeId(Message.Response accepted);

  /** The driver incarnation the connection is about, from the accepted answer or the greeting. */
  long driverIncarnation(Message.Response accepted);

  /** See {@link #register}. */
  record Register(String host, int port) implements Greeting {
    @Override
    public Message.Opening opening(long requestId) {
      return new RegisterExecutor(requestId, Message.PROTOCOL_VERSION, host, port);
    }

    @Override
    public Class<? extends Message.Response> accepted() {
      return ExecutorRegistered.class;
    }

    @Override
    public RemoteRole remoteRole() {
      return RemoteRole.DRIVER;
    }

    @Override
    public int localNodeId(Message.Response accepted) {
      return ((ExecutorRegistered) accepted).executorId();
    }

    @Override
    public long driverIncarnation(Message.Response accepted) {
      return ((ExecutorRegistered) accepted).driverIncarnation();
    }
  }

  /** See {@link #hello}. */
  record PeerHello(int nodeId, long incarnation) implements Greeting {
    @Override
    public Message.Opening opening(long requestId) {
      return new Hello(requestId, Message.PROTOCOL_VERSION, nodeId, incarnation);
    }

    @Override
    public long driverIncarnation(Message.Response accepted) {
      return incarnation;
    }

    @Override
    public Class<? extends Message.Response> accepted() {
      return Ack.class;
    }

    @Override
    public RemoteRole remoteRole() {
      return RemoteRole.PEER;
    }

    @Override
    public int localNodeId(Message.Response accepted) {
      return nodeId;
    }
  }
}
