package io.swarmcast.protocol;

import static io.swarmcast.TestData.bits;
import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message through the real pipeline: {@code framer → MessageDecoder} inbound and {@code
 * MessageEncoder} outbound, in an {@link EmbeddedChannel}.
 */
@Timeout(30)
class MessageCodecTest {
  private static final int MAX_FRAME = 64 * 1024;

  private final EmbeddedChannel channel = newChannel(MAX_FRAME);

  private static EmbeddedChannel newChannel(int maxFrame) {
    return new EmbeddedChannel(
        MessageDecoder.framer(maxFrame), MessageDecoder.INSTANCE, MessageEncoder.INSTANCE);
  }

  @AfterEach
  void closeChannel() {
    channel.finishAndReleaseAll();
  }

  /**
   * One sample of each message type, fresh on every call (a {@link PieceData} owns a buffer that
   * sending consumes). A new {@link MessageType} without a sample here fails {@link
   * #thereIsASampleOfEveryMessageType}.
   */
  static List<Message> samples() {
    return List.of(
        new RegisterExecutor(1, Message.PROTOCOL_VERSION, "exec-7.cluster.example", 40001),
        new ExecutorRegistered(2, 7, 0x5eed_cafe_f00d_1234L),
        new Hello(3, Message.PROTOCOL_VERSION, 42, -77L),
        new Ack(Long.MAX_VALUE),
        new Busy(42),
        new Failure(5, "Broadcast(9) was destroyed (Main.run(Main.java:12)) — ünïcödé 日本"),
        new GetLocations(6, 99),
        new Locations(
            7,
            99,
            20,
            List.of(
                new Locations.Holder(1, "10.0.0.1", 1000, bits(0, 5, 19)),
                new Locations.Holder(2, "host-b", 65535, new BitSet()),
                new Locations.Holder(3, "", 0, bits(7, 8, 9, 10, 11, 12, 13, 14, 15)))),
        new Announce(99, 3),
        new AnnounceMany(99, 20, bits(0, 3, 19)),
        new Have(99, 3, 1, "10.0.0.1", 1000),
        new FetchPiece(8, 99, 4),
        new FetchAnyPiece(9, 99, true, 20, bits(1, 2, 19)),
        new PieceData(10, 99, 5, Unpooled.wrappedBuffer(random(3000, 10))),
        new RemoveBroadcast(11, -99, "Main.run(Main.java:12)"),
        new RunTask(12, random(500, 12)),
        new TaskResult(Long.MIN_VALUE, "result".getBytes(StandardCharsets.UTF_8)),
        new AuthChallenge(17, random(AuthChallenge.LENGTH, 17)),
        new AuthProof(18, random(AuthChallenge.LENGTH, 18), random(AuthChallenge.LENGTH, 19)),
        new FetchReport(
            99, 5_800_000_000L, 16 << 20, 2, "", Map.of(2, 112L << 20, 3, 7L), List.of(4)),
        new GetChecksums(21, 99, 4),
        new Checksums(
            22,
            99,
            4,
            new int[] {1, -2, Integer.MAX_VALUE},
            random(3 * Checksums.SHA256_BYTES, 22),
            random(Checksums.SHA256_BYTES, 23)));
  }

  /** More samples for edge cases of the field codecs; same rules as {@link #samples}. */
  static List<Message> edgeSamples() {
    return List.of(
        new Failure(0, ""),
        new Locations(1, 2, 0, List.of()),
        new Locations(
            1,
            2,
            0,
            List.of(
                new Locations.Holder(4, "10.1.2.3", 7077, new BitSet()),
                new Locations.Holder(5, "", 1, new BitSet()))),
        new Locations(1, 2, 9, List.of(new Locations.Holder(4, "h", 1, bits(8)))),
        new FetchAnyPiece(3, 4, false, 0, new BitSet()),
        new FetchAnyPiece(3, 4, false, 8, bits(0, 7)),
        new FetchAnyPiece(3, 4, true, 1000, new BitSet()),
        new PieceData(5, 6, 0, Unpooled.EMPTY_BUFFER),
        new PieceData(5, 6, Wire.MAX_PIECES - 1, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})),
        new RunTask(7, new byte[0]),
        new TaskResult(8, new byte[0]),
        new Have(1, 0, 0, "ü", 65535),
        new Have(1, 0, 0, "255.255.255.255", 1),
        new Have(1, 0, 0, "0.0.0.0", 1),
        new Have(1, 0, 0, "010.1.1.1", 1), // a leading zero: kept as a string, read back the same
        new Have(1, 0, 0, "1.2.3", 1),
        new Have(1, 0, 0, "1.2.3.4.5", 1),
        new Have(1, 0, 0, "256.1.1.1", 1),
        new Have(1, 0, 0, "::1", 1),
        new Have(1, 0, 0, "1.2.3.a", 1),
        new Have(1, 0, 0, "1..2.3", 1),
        new Have(1, 0, 0, " 1.2.3.4", 1),
        new Have(1, 0, 0, "1.2.3.4.", 1),
        new Locations(
            1, 2, 9, List.of(new Locations.Holder(4, "192.168.100.200", 65535, bits(0, 8)))),
        new AnnounceMany(1, 0, new BitSet()),
        new AnnounceMany(1, 9, bits(8)),
        new FetchReport(1, 0, 0, 0, "peer timeout — ünïcödé", Map.of(), List.of()),
        new GetChecksums(1, 2, 0),
        new GetChecksums(1, 2, Wire.MAX_PIECES),
        new Checksums(1, 2, 0, new int[0], null, null),
        new Checksums(1, 2, 7, new int[0], null, random(Checksums.SHA256_BYTES, 24)),
        new Checksums(
            1,
            2,
            0,
            new int[Checksums.MAX_COUNT],
            new byte[Checksums.MAX_COUNT * Checksums.SHA256_BYTES],
            null),
        new Checksums(1, 2, 5, new int[] {42}, null, null));
  }

  private static void releaseIfPieceData(Message m) {
    if (m instanceof PieceData p) {
      p.data().release();
    }
  }

  /** What the encoder wrote for one message, as one array. */
  private static byte[] encode(EmbeddedChannel ch, Message m) {
    assertThat(ch.writeOutbound(m)).isTrue();
    List<ByteBuf> out = new ArrayList<>();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.add(b);
    }
    assertThat(out).isNotEmpty();
    int total = out.stream().mapToInt(ByteBuf::readableBytes).sum();
    byte[] bytes = new byte[total];
    int at = 0;
    for (ByteBuf b : out) {
      int n = b.readableBytes();
      b.readBytes(bytes, at, n);
      at += n;
      b.release();
    }
    return bytes;
  }

  /** Compares field by field, so that byte[] and ByteBuf contents count rather than identity. */
  private static void assertSameMessage(
      Message actual, Message expected, byte[] expectedPieceBytes) {
    assertThat(actual.type()).isEqualTo(expected.type());
    assertThat(actual.getClass()).isEqualTo(expected.getClass());
    if (expected instanceof PieceData e) {
      PieceData a = (PieceData) actual;
      assertThat(a.requestId()).isEqualTo(e.requestId());
      assertThat(a.broadcastId()).isEqualTo(e.broadcastId());
      assertThat(a.piece()).isEqualTo(e.piece());
      byte[] got = new byte[a.data().readableBytes()];
      a.data().getBytes(a.data().readerIndex(), got);
      assertThat(got).isEqualTo(expectedPieceBytes);
    } else if (expected instanceof RunTask e) {
      RunTask a = (RunTask) actual;
      assertThat(a.requestId()).isEqualTo(e.requestId());
      assertThat(Arrays.equals(a.payload(), e.payload())).as("payload").isTrue();
    } else if (expected instanceof TaskResult e) {
      TaskResult a = (TaskResult) actual;
      assertThat(a.requestId()).isEqualTo(e.requestId());
      assertThat(Arrays.equals(a.payload(), e.payload())).as("payload").isTrue();
    } else if (expected instanceof FetchAnyPiece e) {
      FetchAnyPiece a = (FetchAnyPiece) actual;
      assertThat(a.requestId()).isEqualTo(e.requestId());
      assertThat(a.broadcastId()).isEqualTo(e.broadcastId());
      assertThat(a.allowDuplicate()).isEqualTo(e.allowDuplicate());
      assertThat(a.pieceCount()).isEqualTo(e.pieceCount());
      assertThat(a.exclude().stream().boxed().toList())
          .isEqualTo(e.exclude().stream().boxed().toList());
      assertThat(a).isEqualTo(e);
    } else if (expected instanceof Locations e) {
      Locations a = (Locations) actual;
      assertThat(a.requestId()).isEqualTo(e.requestId());
      assertThat(a.broadcastId()).isEqualTo(e.broadcastId());
      assertThat(a.pieceCount()).isEqualTo(e.pieceCount());
      assertThat(a.holders()).hasSameSizeAs(e.holders());
      for (int i = 0; i < e.holders().size(); i++) {
        Locations.Holder ah = a.holders().get(i);
        Locations.Holder eh = e.holders().get(i);
        assertThat(ah.executorId()).isEqualTo(eh.executorId());
        assertThat(ah.host()).isEqualTo(eh.host());
        assertThat(ah.port()).isEqualTo(eh.port());
        assertThat(ah.pieces().stream().boxed().toList())
            .isEqualTo(eh.pieces().stream().boxed().toList());
      }
      assertThat(a).isEqualTo(e);
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  private static byte[] pieceBytes(Message m) {
    if (m instanceof PieceData p) {
      byte[] b = new byte[p.data().readableBytes()];
      p.data().getBytes(p.data().readerIndex(), b);
      return b;
    }
    return null;
  }

  /** The next decoded message, typed as Object for assertions. */
  private static Object inbound(EmbeddedChannel ch) {
    return ch.readInbound();
  }

  private static Object outbound(EmbeddedChannel ch) {
    return ch.readOutbound();
  }

  private Message readOneInbound() {
    Message m = channel.readInbound();
    assertThat(m).as("decoded message").isNotNull();
    assertThat(inbound(channel)).as("no second message").isNull();
    return m;
  }

  @Test
  void thereIsASampleOfEveryMessageType() {
    List<Message> samples = samples();
    try {
      Set<MessageType> types =
          samples.stream()
              .map(Message::type)
              .collect(Collectors.toCollection(() -> EnumSet.noneOf(MessageType.class)));
      assertThat(types).isEqualTo(EnumSet.allOf(MessageType.class));
      assertThat(samples).hasSize(MessageType.values().length);
    } finally {
      samples.forEach(MessageCodecTest::releaseIfPieceData);
    }
  }

  @Test
  void typeIdsAreUniqueAndResolveBack() {
    Set<Integer> ids = new HashSet<>();
    for (MessageType t : MessageType.values()) {
      assertThat(ids.add(t.id())).as("duplicate id %d", t.id()).isTrue();
      assertThat(t.id()).isBetween(0, 255);
      assertThat(MessageType.byId(t.id())).isSameAs(t);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"samples", "edgeSamples"})
  void everyMessageRoundTripsThroughTheChannel(Message sample) {
    byte[] expectedPiece = pieceBytes(sample);
    int encodedLength = sample.encodedLength();

    assertThat(channel.writeOutbound(sample)).isTrue();
    List<ByteBuf> out = new ArrayList<>();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      out.add(b);
    }
    int total = out.stream().mapToInt(ByteBuf::readableBytes).sum();
    assertThat(total)
        .as("length prefix + type byte + encodedLength")
        .isEqualTo(4 + 1 + encodedLength);
    assertThat(out.get(0).getInt(out.get(0).readerIndex()))
        .as("length prefix")
        .isEqualTo(1 + encodedLength);
    assertThat(out.get(0).getUnsignedByte(out.get(0).readerIndex() + 4))
        .as("type byte")
        .isEqualTo((short) sample.type().id());

    assertThat(channel.writeInbound(out.toArray())).isTrue();
    Message decoded = readOneInbound();
    try {
      assertSameMessage(decoded, sample, expectedPiece);
      assertThat(decoded.encodedLength()).isEqualTo(encodedLength);
    } finally {
      releaseIfPieceData(decoded);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"samples", "edgeSamples"})
  void framesSplitIntoOneByteChunksDecode(Message sample) {
    byte[] expectedPiece = pieceBytes(sample);
    byte[] wire = encode(channel, sample);
    for (int i = 0; i < wire.length; i++) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {wire[i]}));
      if (i < wire.length - 1) {
        assertThat(inbound(channel))
            .as("message before byte %d of %d arrived", i + 1, wire.length)
            .isNull();
      }
    }
    Message decoded = readOneInbound();
    try {
      assertSameMessage(decoded, sample, expectedPiece);
    } finally {
      releaseIfPieceData(decoded);
    }
  }

  @Test
  void manyFramesInOneBufferDecodeInOrder() {
    List<Message> samples = samples();
    List<byte[]> pieceBytes = samples.stream().map(MessageCodecTest::pieceBytes).toList();
    ByteBuf all = Unpooled.buffer();
    for (Message m : samples) {
      all.writeBytes(encode(channel, m));
    }
    channel.writeInbound(all);
    for (int i = 0; i < samples.size(); i++) {
      Message decoded = channel.readInbound();
      assertThat(decoded).as("message %d", i).isNotNull();
      try {
        assertSameMessage(decoded, samples.get(i), pieceBytes.get(i));
      } finally {
        releaseIfPieceData(decoded);
      }
    }
    assertThat(inbound(channel)).isNull();
    assertThat(all.refCnt()).as("input buffer released once decoded").isZero();
  }

  @Test
  void pieceDataIsSentWithoutCopyingItsBuffer() {
    ByteBuf data = Unpooled.directBuffer(100).writeBytes(random(100, 1));
    channel.writeOutbound(new PieceData(1, 2, 3, data));
    ByteBuf header = channel.readOutbound();
    ByteBuf body = channel.readOutbound();
    try {
      assertThat(header.readableBytes()).isEqualTo(4 + 1 + PieceData.HEADER_LENGTH);
      assertThat(body).isSameAs(data);
      assertThat(outbound(channel)).isNull();
    } finally {
      header.release();
      body.release();
    }
  }

  @Test
  void aLengthPrefixBeyondMaxFrameFailsAtOnceWithoutBufferingTheFrame() {
    EmbeddedChannel small = newChannel(1024);
    try {
      int bodyLength = 1_000_000;
      ByteBuf start =
          Unpooled.buffer()
              .writeInt(bodyLength)
              .writeByte(MessageType.RUN_TASK.id())
              .writeZero(100);
      int sent = start.readableBytes();
      assertThatThrownBy(() -> small.writeInbound(start)).isInstanceOf(TooLongFrameException.class);
      assertThat(start.refCnt()).as("the oversized frame's bytes are dropped, not kept").isZero();
      assertThat(inbound(small)).isNull();

      // The rest of the oversized frame is skipped as it arrives; the next frame decodes normally.
      ByteBuf rest = Unpooled.buffer().writeZero(4 + bodyLength - sent);
      rest.writeBytes(encode(small, new Ack(77)));
      small.writeInbound(rest);
      assertThat(inbound(small)).isEqualTo(new Ack(77));
      assertThat(rest.refCnt()).isZero();
    } finally {
      small.finishAndReleaseAll();
    }
  }

  @Test
  void aFrameOfExactlyMaxFrameBytesIsAccepted() {
    int maxFrame = 4096;
    EmbeddedChannel ch = newChannel(maxFrame);
    try {
      // frame = 4 (length) + 1 (type) + 12 (RunTask header) + payload
      byte[] payload = random(maxFrame - 4 - 1 - 12, 3);
      ch.writeInbound(Unpooled.wrappedBuffer(encode(ch, new RunTask(1, payload))));
      RunTask decoded = ch.readInbound();
      assertThat(decoded.payload()).isEqualTo(payload);

      byte[] oneMore = random(payload.length + 1, 3);
      byte[] wire = encode(ch, new RunTask(2, oneMore));
      assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(wire)))
          .isInstanceOf(TooLongFrameException.class);
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void aLengthPrefixWithTheSignBitSetIsRejectedAsTooLong() {
    // The prefix is read unsigned: 0xFFFFFFFB is a 4 GiB frame, not a negative one.
    ByteBuf frame = Unpooled.buffer().writeInt(-5);
    assertThatThrownBy(() -> channel.writeInbound(frame)).isInstanceOf(TooLongFrameException.class);
    assertThat(frame.refCnt()).isZero();
  }

  /** A frame with the given type byte and body, length prefix included. */
  private static ByteBuf frame(int type, ByteBuf body) {
    ByteBuf f =
        Unpooled.buffer().writeInt(1 + body.readableBytes()).writeByte(type).writeBytes(body);
    body.release();
    return f;
  }

  private void assertRejected(ByteBuf frame, String messagePart) {
    assertThatThrownBy(() -> channel.writeInbound(frame))
        .isInstanceOf(DecoderException.class)
        .cause()
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(messagePart);
    assertThat(inbound(channel)).isNull();
    assertThat(frame.refCnt()).as("rejected frame is released").isZero();
  }

  @Test
  void anIpv4HostTravelsAsFourBytesAndAnUnknownHostKindIsAProtocolError() {
    assertThat(new Have(1, 0, 7, "10.1.39.16", 7077).encodedLength()).isEqualTo(8 + 4 + 4 + 5 + 2);
    assertThat(new Have(1, 0, 7, "10.01.39.16", 7077).encodedLength())
        .isEqualTo(8 + 4 + 4 + 1 + 2 + 11 + 2);
    assertRejected(
        frame(
            MessageType.HAVE.id(),
            Unpooled.buffer().writeLong(1).writeInt(0).writeInt(7).writeByte(6).writeInt(1)),
        "unknown host kind 6");
    assertRejected(
        frame(
            MessageType.HAVE.id(),
            Unpooled.buffer().writeLong(1).writeInt(0).writeInt(7).writeByte(4).writeShort(1)),
        "IPv4 host of 4 bytes");
  }

  @Test
  void anUnknownTypeByteIsAProtocolError() {
    assertRejected(frame(200, Unpooled.buffer().writeLong(1)), "unknown message type 200");
  }

  @Test
  void typeByteZeroIsUnknown() {
    assertRejected(frame(0, Unpooled.buffer()), "unknown message type 0");
  }

  @Test
  void anEmptyFrameIsAProtocolError() {
    ByteBuf empty = Unpooled.buffer().writeInt(0);
    assertThatThrownBy(() -> channel.writeInbound(empty))
        .isInstanceOf(DecoderException.class)
        .cause()
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void anAnswerOfNamesOnlyCarriesNoBitSets() {
    Locations names =
        new Locations(1, 2, 0, List.of(new Locations.Holder(4, "10.1.2.3", 7077, new BitSet())));
    // header (24), then id (4), host (an IPv4 address: 1 + 4) and port (2): no bit set's count
    assertThat(names.encodedLength()).isEqualTo(24 + 4 + 5 + 2);
    assertThat(Locations.holderLength("10.1.2.3", 0)).isEqualTo(11);
    assertThat(Locations.holderLength("exec-7.cluster.example", 0)).isEqualTo(4 + 1 + 2 + 22 + 2);
    assertThatThrownBy(
            () -> new Locations(1, 2, 0, List.of(new Locations.Holder(4, "h", 1, bits(0)))))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("names only");
  }

  @Test
  void aTruncatedBodyIsAProtocolError() {
    // An Ack body is 8 bytes; send 4.
    assertRejected(frame(MessageType.ACK.id(), Unpooled.buffer().writeInt(1)), "truncated");
  }

  @Test
  void aTruncatedFetchPieceIsAProtocolError() {
    assertRejected(
        frame(
            MessageType.FETCH_PIECE.id(),
            Unpooled.buffer().writeLong(1).writeLong(2).writeShort(3)),
        "truncated");
  }

  @Test
  void aTruncatedBitSetIsAProtocolError() {
    // FetchAnyPiece whose bit set claims 64 bits (8 bytes) but carries 2.
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeBoolean(true)
            .writeInt(64)
            .writeShort(0xFFFF);
    assertThatThrownBy(() -> channel.writeInbound(frame(MessageType.FETCH_ANY_PIECE.id(), body)))
        .isInstanceOf(DecoderException.class)
        .cause()
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("bit set");
  }

  @Test
  void aTruncatedStringIsAProtocolError() {
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeShort(50)
            .writeBytes("short".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> channel.writeInbound(frame(MessageType.FAILURE.id(), body)))
        .isInstanceOf(DecoderException.class)
        .cause()
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("string");
  }

  @Test
  void trailingBytesAreAProtocolError() {
    assertRejected(
        frame(MessageType.ACK.id(), Unpooled.buffer().writeLong(1).writeByte(0).writeShort(0)),
        "trailing");
  }

  @Test
  void trailingBytesAfterRunTaskPayloadAreAProtocolError() {
    ByteBuf body =
        Unpooled.buffer().writeLong(1).writeInt(3).writeBytes(new byte[] {1, 2, 3}).writeByte(9);
    assertRejected(frame(MessageType.RUN_TASK.id(), body), "trailing");
  }

  @Test
  void pieceDataWhoseLengthDisagreesWithTheFrameIsAProtocolError() {
    ByteBuf body =
        Unpooled.buffer().writeLong(1).writeLong(2).writeInt(3).writeInt(10).writeZero(4);
    assertRejected(frame(MessageType.PIECE_DATA.id(), body), "piece data length");
  }

  @Test
  void aNegativeByteArrayLengthIsAProtocolError() {
    assertRejected(
        frame(MessageType.TASK_RESULT.id(), Unpooled.buffer().writeLong(1).writeInt(-1)),
        "negative");
  }

  @Test
  void aLocationsHolderWithAPieceBeyondPieceCountIsRejected() {
    // pieceCount 4, but the holder's bit set (16 bits long) has bit 10 set.
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeInt(4)
            .writeInt(1)
            .writeInt(5)
            .writeByte(0) // a host written as a string
            .writeShort(1)
            .writeByte('h')
            .writeShort(80)
            .writeInt(16)
            .writeShortLE(1 << 10);
    assertRejected(frame(MessageType.LOCATIONS.id(), body), "claims piece 10 of 4");
  }

  @Test
  void aBitSetWithABitBeyondItsOwnCountIsRejected() {
    // Count 3 (one byte), but bit 5 of that byte is set.
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeBoolean(false)
            .writeInt(3)
            .writeByte(1 << 5);
    assertRejected(frame(MessageType.FETCH_ANY_PIECE.id(), body), "beyond its count");
  }

  @Test
  void aBitSetCountAboveMaxPiecesIsRejectedBeforeAllocating() {
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeBoolean(false)
            .writeInt(Wire.MAX_PIECES + 1);
    assertRejected(frame(MessageType.FETCH_ANY_PIECE.id(), body), "out of range");
  }

  @Test
  void aNegativeBitSetCountIsRejected() {
    ByteBuf body = Unpooled.buffer().writeLong(1).writeLong(2).writeBoolean(false).writeInt(-8);
    assertRejected(frame(MessageType.FETCH_ANY_PIECE.id(), body), "out of range");
  }

  @Test
  void tooManyLocationsHoldersAreRejected() {
    ByteBuf body =
        Unpooled.buffer().writeLong(1).writeLong(2).writeInt(4).writeInt(Locations.MAX_HOLDERS + 1);
    assertRejected(frame(MessageType.LOCATIONS.id(), body), "out of range");
  }

  @Test
  void aLocationsPieceCountAboveMaxPiecesIsRejected() {
    ByteBuf body =
        Unpooled.buffer().writeLong(1).writeLong(2).writeInt(Wire.MAX_PIECES + 1).writeInt(0);
    assertRejected(frame(MessageType.LOCATIONS.id(), body), "piece count");
  }

  @Test
  void aNegativePieceIndexOnTheWireIsRejected() {
    assertRejected(
        frame(MessageType.ANNOUNCE.id(), Unpooled.buffer().writeLong(1).writeInt(-1)),
        "piece index -1");
  }

  @Test
  void aStringLongerThanTheLimitIsRejected() {
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeShort(Wire.MAX_STRING_BYTES + 1)
            .writeZero(Wire.MAX_STRING_BYTES + 1);
    assertRejected(frame(MessageType.FAILURE.id(), body), "exceeds");
  }

  @Test
  void checksumsWithACountBeyondTheLimitAreRejectedBeforeAllocating() {
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeInt(0)
            .writeInt(Checksums.MAX_COUNT + 1)
            .writeByte(0);
    assertRejected(frame(MessageType.CHECKSUMS.id(), body), "checksum count");
    ByteBuf negative =
        Unpooled.buffer().writeLong(1).writeLong(2).writeInt(0).writeInt(-1).writeByte(0);
    assertRejected(frame(MessageType.CHECKSUMS.id(), negative), "checksum count");
  }

  @Test
  void checksumsShorterThanTheirCountAndFlagsSayAreRejected() {
    // Two pieces with their SHA-256s (2 × 4 + 2 × 32 bytes), but only the CRCs are there.
    ByteBuf body =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeInt(0)
            .writeInt(2)
            .writeByte(1)
            .writeInt(7)
            .writeInt(8);
    assertRejected(frame(MessageType.CHECKSUMS.id(), body), "truncated");
    // The file's SHA-256 announced but cut short.
    ByteBuf cut =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeInt(0)
            .writeInt(0)
            .writeByte(2)
            .writeZero(31);
    assertRejected(frame(MessageType.CHECKSUMS.id(), cut), "truncated");
  }

  @Test
  void checksumsWithUnknownFlagsOrOutOfRangePiecesAreRejected() {
    ByteBuf flags =
        Unpooled.buffer().writeLong(1).writeLong(2).writeInt(0).writeInt(0).writeByte(4);
    assertRejected(frame(MessageType.CHECKSUMS.id(), flags), "flags");
    ByteBuf range =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeInt(Wire.MAX_PIECES)
            .writeInt(1)
            .writeByte(0)
            .writeInt(5);
    assertRejected(frame(MessageType.CHECKSUMS.id(), range), "out of range");
    ByteBuf negative =
        Unpooled.buffer().writeLong(1).writeLong(2).writeInt(-1).writeInt(0).writeByte(0);
    assertRejected(frame(MessageType.CHECKSUMS.id(), negative), "out of range");
    ByteBuf trailing =
        Unpooled.buffer()
            .writeLong(1)
            .writeLong(2)
            .writeInt(0)
            .writeInt(1)
            .writeByte(0)
            .writeInt(5)
            .writeByte(9);
    assertRejected(frame(MessageType.CHECKSUMS.id(), trailing), "trailing");
  }

  @Test
  void aQuestionForChecksumsBeyondMaxPiecesIsRejected() {
    assertRejected(
        frame(
            MessageType.GET_CHECKSUMS.id(),
            Unpooled.buffer().writeLong(1).writeLong(2).writeInt(-5)),
        "out of range");
    assertRejected(
        frame(
            MessageType.GET_CHECKSUMS.id(),
            Unpooled.buffer().writeLong(1).writeLong(2).writeInt(Wire.MAX_PIECES + 1)),
        "out of range");
    assertRejected(
        frame(
            MessageType.GET_CHECKSUMS.id(),
            Unpooled.buffer().writeLong(1).writeLong(2).writeShort(0)),
        "truncated");
  }

  @Test
  void aZeroExecutorIdOnTheWireIsRejected() {
    assertRejected(
        frame(
            MessageType.EXECUTOR_REGISTERED.id(),
            Unpooled.buffer().writeLong(1).writeInt(0).writeLong(5)),
        "executor id");
  }

  @Test
  void anUnpersistIsARemovalWithoutASiteAndADestroyNamesItsSite() {
    RemoveBroadcast unpersist = new RemoveBroadcast(13, 99);
    RemoveBroadcast destroy = new RemoveBroadcast(14, 99, "Main.run(Main.java:12)");
    assertThat(unpersist.isDestroy()).isFalse();
    assertThat(destroy.isDestroy()).isTrue();
    for (RemoveBroadcast r : List.of(unpersist, destroy)) {
      ByteBuf body = Unpooled.buffer();
      body.writeByte(r.type().id());
      r.encode(body);
      try {
        assertThat(MessageDecoder.decode(body)).isEqualTo(r);
      } finally {
        body.release();
      }
    }
  }

  @Test
  void theChannelKeepsDecodingAfterARejectedFrame() {
    assertRejected(frame(200, Unpooled.buffer()), "unknown message type");
    channel.writeInbound(Unpooled.wrappedBuffer(encode(channel, new Ack(5))));
    assertThat(inbound(channel)).isEqualTo(new Ack(5));
  }

  @Test
  void overlongStringsAreCutToTheLimitWhenSent() {
    String longMessage = "x".repeat(Wire.MAX_STRING_BYTES + 500);
    channel.writeInbound(Unpooled.wrappedBuffer(encode(channel, new Failure(1, longMessage))));
    Failure decoded = channel.readInbound();
    assertThat(decoded.message()).isEqualTo(longMessage.substring(0, Wire.MAX_STRING_BYTES));
  }

  @Test
  void negativePieceIndicesAreRejectedAtConstruction() {
    assertThatThrownBy(() -> new Announce(1, -1))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new FetchPiece(1, 1, -1)).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new Have(1, -1, 1, "h", 1)).isInstanceOf(ProtocolException.class);
    ByteBuf data = Unpooled.buffer(1);
    try {
      assertThatThrownBy(() -> new PieceData(1, 1, -1, data)).isInstanceOf(ProtocolException.class);
    } finally {
      data.release();
    }
  }

  @Test
  void pieceIndicesAtOrAboveMaxPiecesAreRejectedAtConstruction() {
    assertThatThrownBy(() -> new Announce(1, Wire.MAX_PIECES))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new FetchPiece(1, 1, Integer.MAX_VALUE))
        .isInstanceOf(ProtocolException.class);
    assertThat(new Announce(1, Wire.MAX_PIECES - 1).piece()).isEqualTo(Wire.MAX_PIECES - 1);
  }

  @Test
  void otherOutOfRangeFieldsAreRejectedAtConstruction() {
    assertThatThrownBy(() -> new Have(1, 0, 1, "h", 65536)).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new RegisterExecutor(1, 1, "h", -1))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new Locations.Holder(1, "h", 70000, new BitSet()))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new ExecutorRegistered(1, 0, 5)).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new Locations(1, 1, -1, List.of()))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> new Locations(1, 1, Wire.MAX_PIECES + 1, List.of()))
        .isInstanceOf(ProtocolException.class);
    List<Locations.Holder> tooMany = new ArrayList<>();
    for (int i = 0; i <= Locations.MAX_HOLDERS; i++) {
      tooMany.add(new Locations.Holder(i, "h", 1, new BitSet()));
    }
    assertThatThrownBy(() -> new Locations(1, 1, 4, tooMany)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void locationsCopiesItsHolderList() {
    List<Locations.Holder> holders =
        new ArrayList<>(List.of(new Locations.Holder(1, "h", 1, new BitSet())));
    Locations l = new Locations(1, 1, 4, holders);
    holders.clear();
    assertThat(l.holders()).hasSize(1);
  }
}
