package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The one table of the wire protocol: each message's type byte, its record class and the decoder
 * that reads its body. Adding a message means adding a record, permitting it in {@link Message} and
 * adding one constant here; loading this class fails (and {@code MessageTypeTest} with it) if the
 * records permitted in {@link Message} and the records listed here differ, or an id or record
 * appears twice.
 */
public enum MessageType {
  REGISTER_EXECUTOR(1, RegisterExecutor.class, RegisterExecutor::decode),
  EXECUTOR_REGISTERED(2, ExecutorRegistered.class, ExecutorRegistered::decode),
  HELLO(3, Hello.class, Hello::decode),
  ACK(4, Ack.class, Ack::decode),
  FAILURE(5, Failure.class, Failure::decode),
  GET_LOCATIONS(6, GetLocations.class, GetLocations::decode),
  LOCATIONS(7, Locations.class, Locations::decode),
  ANNOUNCE(8, Announce.class, Announce::decode),
  HAVE(9, Have.class, Have::decode),
  FETCH_PIECE(10, FetchPiece.class, FetchPiece::decode),
  FETCH_ANY_PIECE(11, FetchAnyPiece.class, FetchAnyPiece::decode),
  PIECE_DATA(12, PieceData.class, (body, pieceMemory) -> PieceData.decode(body, pieceMemory)),
  REMOVE_BROADCAST(13, RemoveBroadcast.class, RemoveBroadcast::decode),
  RUN_TASK(14, RunTask.class, RunTask::decode),
  TASK_RESULT(15, TaskResult.class, TaskResult::decode),
  BUSY(16, Busy.class, Busy::decode),
  AUTH_CHALLENGE(17, AuthChallenge.class, AuthChallenge::decode),
  AUTH_PROOF(18, AuthProof.class, AuthProof::decode),
  ANNOUNCE_MANY(19, AnnounceMany.class, AnnounceMany::decode),
  FETCH_REPORT(20, FetchReport.class, FetchReport::decode),
  GET_CHECKSUMS(21, GetChecksums.class, GetChecksums::decode),
  CHECKSUMS(22, Checksums.class, Checksums::decode);

  private static final MessageType[] BY_ID = new MessageType[256];

  static {
    for (MessageType t : values()) {
      if (t.id < 1 || t.id > 255 || BY_ID[t.id] != null) {
        throw new ExceptionInInitializerError(
            "message type id " + t.id + " is out of range or used twice");
      }
      BY_ID[t.id] = t;
    }
    String mismatch = mismatch();
    if (mismatch != null) {
      throw new ExceptionInInitializerError(mismatch);
    }
  }

  private final int id;
  private final Class<? extends Message> messageClass;

  /**
   * Reads a body; the allocator is for bulk data a message carries (a piece), which only PIECE_DATA
   * has.
   */
  private final BiFunction<ByteBuf, ByteBufAllocator, Message> decoder;

  MessageType(int id, Class<? extends Message> messageClass, Function<ByteBuf, Message> decoder) {
    this(id, messageClass, (body, pieceMemory) -> decoder.apply(body));
  }

  MessageType(
      int id,
      Class<? extends Message> messageClass,
      BiFunction<ByteBuf, ByteBufAllocator, Message> decoder) {
    this.id = id;
    this.messageClass = messageClass;
    this.decoder = decoder;
  }

  public int id() {
    return id;
  }

  /** The record that carries this type. */
  public Class<? extends Message> messageClass() {
    return messageClass;
  }

  /** Decodes a body; bulk data goes into buffers from {@code pieceMemory}. */
  Message decode(ByteBuf body, ByteBufAllocator pieceMemory) {
    return decoder.apply(body, pieceMemory);
  }

  /** The type with wire id {@code id}, or a {@link ProtocolException} naming it. */
  public static MessageType byId(int id) {
    MessageType t = id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    if (t == null) {
      throw new ProtocolException("unknown message type " + id);
    }
    return t;
  }

  /** Every record that implements {@link Message}, found through the sealed interfaces' permits. */
  static Set<Class<?>> permittedRecords() {
    Set<Class<?>> records = new HashSet<>();
    Deque<Class<?>> todo = new ArrayDeque<>(List.of(Message.class));
    while (!todo.isEmpty()) {
      Class<?> c = todo.pop();
      if (c.isSealed()) {
        todo.addAll(List.of(c.getPermittedSubclasses()));
      } else {
        records.add(c);
      }
    }
    return records;
  }

  /**
   * What differs between {@link #permittedRecords()} and this table, or null if they agree one to
   * one.
   */
  static String mismatch() {
    Set<Class<?>> permitted = permittedRecords();
    Set<Class<?>> listed = new HashSet<>();
    for (MessageType t : values()) {
      if (!listed.add(t.messageClass)) {
        return t.messageClass.getSimpleName() + " has two message types";
      }
    }
    Set<Class<?>> unlisted = new HashSet<>(permitted);
    unlisted.removeAll(listed);
    Set<Class<?>> unpermitted = new HashSet<>(listed);
    unpermitted.removeAll(permitted);
    if (unlisted.isEmpty() && unpermitted.isEmpty()) {
      return null;
    }
    return "MessageType and Message's permits disagree: no type for "
        + names(unlisted)
        + "; not permitted: "
        + names(unpermitted);
  }

  private static String names(Set<Class<?>> classes) {
    return classes.stream().map(Class::getSimpleName).sorted().toList().toString();
  }
}
