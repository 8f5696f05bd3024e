package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A control or data message of the Swarmcast wire protocol.
 *
 * <p>On the wire every message is one frame:
 *
 * <pre>
 * +----------------+-----------+---------------------------+
 * | i32 length     | u8 type   | body (encodedLength bytes)|
 * +----------------+-----------+---------------------------+
 *   length = 1 + encodedLength; big-endian; bounded by swarmcast.network.maxFrameSize
 *   (by 4 KiB until the connection's handshake is done)
 * </pre>
 *
 * Each message is a record that writes its own body ({@link #encode}) and reads it back with a
 * static {@code decode(ByteBuf)}; {@link MessageType} maps the type byte to that record and
 * decoder, and checks when it is loaded that it lists every record permitted here exactly once.
 *
 * <p>Every message is exactly one of three kinds, by who consumes it:
 *
 * <ul>
 *   <li>{@link Opening}: the first message of a connection, consumed by the transport's handshake;
 *   <li>{@link Response}: the answer to a request, which completes the requester's future;
 *   <li>{@link Inbound}: a request or notice a node handles, dispatched through a {@link
 *       MessageVisitor} whose methods the compiler requires every node to implement.
 * </ul>
 *
 * Messages are immutable, except that {@link PieceData} owns a reference-counted buffer.
 */
public sealed interface Message permits Message.Opening, Message.Response, Message.Inbound {

  /**
   * The protocol version spoken by this build; exchanged in {@link RegisterExecutor} and {@link
   * Hello}, and nodes of another version are refused at the handshake. 2: the driver's incarnation
   * in handles and greetings. 3: a handle may name the serializer {@code bytes} (a {@code byte[]}
   * value, see {@code io.swarmcast.serializer.ByteArraySerializer}), which an older executor could
   * not read. 4: a file broadcast's handle carries no checksums; executors ask the driver for them
   * ({@link GetChecksums}). 5: a {@link Locations} of names only (a piece count of 0) carries no
   * bit sets, and hosts in {@link Locations} and {@link Have} that are IPv4 addresses travel as 4
   * bytes.
   */
  int PROTOCOL_VERSION = 5;

  MessageType type();

  /** Bytes {@link #encode} writes (the body, without the length prefix and type byte). */
  int encodedLength();

  /**
   * Writes the body. {@link PieceData} writes only its header; the encoder sends its data after it.
   */
  void encode(ByteBuf out);

  /**
   * The first message a client sends on a connection: its handshake, and nothing else may precede
   * it.
   */
  sealed interface Opening extends Message, Request permits RegisterExecutor, Hello {
    /** The protocol version the client speaks. */
    int protocolVersion();
  }

  /** A message that answers the request with the same id. */
  sealed interface Response extends Message
      permits ExecutorRegistered,
          Ack,
          Failure,
          Locations,
          PieceData,
          TaskResult,
          Busy,
          AuthChallenge,
          AuthProof,
          Checksums {
    long requestId();
  }

  /** A request or notice that a node handles once the handshake is done. */
  sealed interface Inbound extends Message
      permits GetLocations,
          Announce,
          AnnounceMany,
          Have,
          FetchPiece,
          FetchAnyPiece,
          RemoveBroadcast,
          RunTask,
          FetchReport,
          GetChecksums {
    /** Calls the {@code visitor}'s method for this message type. */
    <C> void accept(MessageVisitor<C> visitor, C from);
  }

  /** A message that expects exactly one {@link Response} with its id. */
  interface Request {
    long requestId();
  }
}
