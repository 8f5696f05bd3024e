package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A control or data message of the Swarmcast wire protocol.
 *
 * <p>On the wire every message is one frame:
 * <pre>
 * +----------------+-----------+---------------------------+
 * | i32 length     | u8 type   | body (encodedLength bytes)|
 * +----------------+-----------+---------------------------+
 *   length = 1 + encodedLength; big-endian; bounded by swarmcast.network.maxFrameSize
 * </pre>
 * Each message is a record that writes its own body ({@link #encode}) and reads it back with a static
 * {@code decode(ByteBuf)}; {@link MessageType} maps the type byte to that decoder. Messages are
 * immutable, except that {@link PieceData} owns a reference-counted buffer.
 */
public sealed interface Message
    permits RegisterExecutor, ExecutorRegistered, Hello, Ack, Failure, GetLocations, Locations, Announce, Have,
        FetchPiece, FetchAnyPiece, PieceData, RemoveBroadcast, RunTask, TaskResult, Busy {

  /** The protocol version spoken by this build; exchanged in {@link RegisterExecutor} and {@link Hello}. */
  int PROTOCOL_VERSION = 1;

  MessageType type();

  /** Bytes {@link #encode} writes (the body, without the length prefix and type byte). */
  int encodedLength();

  /** Writes the body. {@link PieceData} writes only its header; the encoder sends its data after it. */
  void encode(ByteBuf out);

  /** A message that answers the request with the same id. */
  interface Response {
    long requestId();
  }

  /** A message that expects exactly one {@link Response} with its id. */
  interface Request {
    long requestId();
  }
}
