package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.function.Function;

/**
 * The type byte of each message and the decoder that reads its body. This table is the only place a
 * type id appears; adding a message means adding a record and one constant here.
 */
public enum MessageType {
  REGISTER_EXECUTOR(1, RegisterExecutor::decode),
  EXECUTOR_REGISTERED(2, ExecutorRegistered::decode),
  HELLO(3, Hello::decode),
  ACK(4, Ack::decode),
  FAILURE(5, Failure::decode),
  GET_LOCATIONS(6, GetLocations::decode),
  LOCATIONS(7, Locations::decode),
  ANNOUNCE(8, Announce::decode),
  HAVE(9, Have::decode),
  FETCH_PIECE(10, FetchPiece::decode),
  FETCH_ANY_PIECE(11, FetchAnyPiece::decode),
  PIECE_DATA(12, PieceData::decode),
  REMOVE_BROADCAST(13, RemoveBroadcast::decode),
  RUN_TASK(14, RunTask::decode),
  TASK_RESULT(15, TaskResult::decode),
  BUSY(16, Busy::decode);

  private static final MessageType[] BY_ID = new MessageType[256];

  static {
    for (MessageType t : values()) {
      if (BY_ID[t.id] != null) {
        throw new ExceptionInInitializerError("duplicate message type id " + t.id);
      }
      BY_ID[t.id] = t;
    }
  }

  private final int id;
  private final Function<ByteBuf, Message> decoder;

  MessageType(int id, Function<ByteBuf, Message> decoder) {
    this.id = id;
    this.decoder = decoder;
  }

  public int id() {
    return id;
  }

  Message decode(ByteBuf body) {
    return decoder.apply(body);
  }

  /** The type with wire id {@code id}, or a {@link ProtocolException} naming it. */
  public static MessageType byId(int id) {
    MessageType t = id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    if (t == null) {
      throw new ProtocolException("unknown message type " + id);
    }
    return t;
  }
}
