package io.swarmcast.broadcast.internal;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.JavaSerializer;
import io.swarmcast.serializer.KryoSerializer;
import io.swarmcast.serializer.Serializer;
import io.swarmcast.storage.Checksums;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class BlockifierTest {
  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final Serializer JAVA = new JavaSerializer();
  private static final int[] BLOCK_SIZES = {1024, 4096, 1 << 20};
  private static final ClassLoader LOADER = BlockifierTest.class.getClassLoader();

  /** Bytes Java serialization adds around a byte[] of any length. */
  private static final int BYTE_ARRAY_OVERHEAD = serializedLength(new byte[0]);

  private static int serializedLength(Object value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JAVA.serialize(value, out);
      return out.size();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Named values: empty, 1 byte, a multiple of the block size, 3 MiB of random bytes. */
  private static Map<String, byte[]> values(int blockSize) {
    Map<String, byte[]> values = new LinkedHashMap<>();
    values.put("empty", new byte[0]);
    values.put("1 byte", new byte[] {7});
    values.put("3 x blockSize", random(3 * blockSize, blockSize));
    values.put("random 3 MiB", random(3 << 20, 3));
    return values;
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (CompressionCodec codec : CompressionCodec.values()) {
      for (int blockSize : BLOCK_SIZES) {
        for (Map.Entry<String, byte[]> v : values(blockSize).entrySet()) {
          cases.add(Arguments.of(codec, blockSize, v.getKey(), v.getValue()));
        }
      }
    }
    return cases.stream();
  }

  private static byte[] bytesOf(ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), b);
    return b;
  }

  private static int independentCrc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  @ParameterizedTest(name = "{0}, blockSize {1}, {2}")
  @MethodSource("cases")
  void blockifyThenUnblockifyReturnsTheValue(
      CompressionCodec codec, int blockSize, String label, byte[] value) throws IOException {
    Blockifier.Pieces pieces = Blockifier.blockify(value, JAVA, codec, blockSize, ALLOC);
    try {
      List<ByteBuf> buffers = pieces.buffers();
      assertThat(buffers).isNotEmpty();
      assertThat(pieces.checksums()).hasSize(buffers.size());

      long total = 0;
      for (int i = 0; i < buffers.size(); i++) {
        ByteBuf piece = buffers.get(i);
        int size = piece.readableBytes();
        if (i < buffers.size() - 1) {
          assertThat(size).as("piece %d of %d", i, buffers.size()).isEqualTo(blockSize);
        } else {
          assertThat(size).as("last piece").isBetween(1, blockSize);
        }
        assertThat(pieces.checksums()[i])
            .as("checksum of piece %d", i)
            .isEqualTo(Checksums.crc32c(piece));
        assertThat(pieces.checksums()[i])
            .as("CRC32C of piece %d", i)
            .isEqualTo(independentCrc32c(bytesOf(piece)));
        total += size;
      }
      assertThat(pieces.totalBytes()).isEqualTo(total);
      long expectedPieces = (total + blockSize - 1) / blockSize;
      assertThat(buffers).hasSize((int) expectedPieces);

      Object back = Blockifier.unblockify(buffers, JAVA, codec, LOADER);
      assertThat(back).isInstanceOf(byte[].class);
      assertThat((byte[]) back).isEqualTo(value);

      // unblockify neither consumes nor releases the pieces: they can be read again.
      assertOnlyTheOwnersReference(buffers);
      assertThat((byte[]) Blockifier.unblockify(buffers, JAVA, codec, LOADER)).isEqualTo(value);
    } finally {
      pieces.release();
    }
    for (ByteBuf piece : pieces.buffers()) {
      assertThat(piece.refCnt()).isZero();
    }
  }

  @Test
  void withTheNoneCodecThePiecesConcatenatedAreTheSerializedBytes() throws IOException {
    byte[] value = random(10_000, 5);
    Blockifier.Pieces pieces = Blockifier.blockify(value, JAVA, CompressionCodec.NONE, 1024, ALLOC);
    try {
      ByteArrayOutputStream joined = new ByteArrayOutputStream();
      for (ByteBuf piece : pieces.buffers()) {
        joined.write(bytesOf(piece));
      }
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      JAVA.serialize(value, expected);
      assertThat(joined.toByteArray()).isEqualTo(expected.toByteArray());
    } finally {
      pieces.release();
    }
  }

  @ParameterizedTest(name = "blockSize {0}")
  @ValueSource(ints = {1024, 4096, 1 << 20})
  void serializedSizeExactlyAMultipleOfBlockSizeLeavesNoShortOrEmptyLastPiece(int blockSize)
      throws IOException {
    byte[] value = random(3 * blockSize - BYTE_ARRAY_OVERHEAD, 9);
    assertThat(serializedLength(value)).isEqualTo(3 * blockSize);

    Blockifier.Pieces pieces =
        Blockifier.blockify(value, JAVA, CompressionCodec.NONE, blockSize, ALLOC);
    try {
      assertThat(pieces.buffers()).hasSize(3);
      assertThat(pieces.buffers())
          .allSatisfy(p -> assertThat(p.readableBytes()).isEqualTo(blockSize));
      assertThat(pieces.totalBytes()).isEqualTo(3L * blockSize);
      assertThat(
              (byte[]) Blockifier.unblockify(pieces.buffers(), JAVA, CompressionCodec.NONE, LOADER))
          .isEqualTo(value);
    } finally {
      pieces.release();
    }
  }

  /**
   * A small value holds little direct memory while broadcast, whatever the block size; a large one
   * fills whole blocks.
   */
  @Test
  void aSmallValueGetsASmallBufferAndALargeOneFullBlocks() throws IOException {
    int blockSize = 8 << 20; // above 4 MiB, where Netty's own growth would change pace
    Blockifier.Pieces small =
        Blockifier.blockify(random(1024, 10), JAVA, CompressionCodec.NONE, blockSize, ALLOC);
    Blockifier.Pieces large =
        Blockifier.blockify(
            random(2 * blockSize, 11), JAVA, CompressionCodec.NONE, blockSize, ALLOC);
    try {
      assertThat(small.buffers())
          .singleElement()
          .satisfies(b -> assertThat(b.capacity()).isLessThanOrEqualTo(16 * 1024));
      assertThat(large.buffers()).hasSize(3);
      assertThat(large.buffers().subList(0, 2))
          .allSatisfy(b -> assertThat(b.readableBytes()).isEqualTo(blockSize));
      assertThat(large.buffers().get(0).capacity()).isEqualTo(blockSize);
    } finally {
      small.release();
      large.release();
    }
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void kryoValuesRoundTripToo(CompressionCodec codec) throws IOException {
    Serializer kryo = new KryoSerializer();
    HashMap<String, int[]> value = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      value.put("key" + i, new int[] {i, i * i, -i});
    }
    Blockifier.Pieces pieces = Blockifier.blockify(value, kryo, codec, 1024, ALLOC);
    try {
      assertThat(pieces.buffers().size()).isGreaterThan(1);
      @SuppressWarnings("unchecked")
      Map<String, int[]> back =
          (Map<String, int[]>) Blockifier.unblockify(pieces.buffers(), kryo, codec, LOADER);
      assertThat(back).hasSize(500);
      assertThat(back.get("key17")).containsExactly(17, 289, -17);
    } finally {
      pieces.release();
    }
  }

  @Test
  void flippingAByteInAPieceChangesItsChecksum() throws IOException {
    byte[] value = random(10_000, 13);
    Blockifier.Pieces pieces = Blockifier.blockify(value, JAVA, CompressionCodec.LZ4, 1024, ALLOC);
    try {
      for (int i = 0; i < pieces.buffers().size(); i++) {
        ByteBuf piece = pieces.buffers().get(i);
        for (int offset : new int[] {0, piece.readableBytes() / 2, piece.readableBytes() - 1}) {
          int index = piece.readerIndex() + offset;
          byte original = piece.getByte(index);
          piece.setByte(index, original ^ 0x01);
          assertThat(Checksums.crc32c(piece))
              .as("piece %d, byte %d flipped", i, offset)
              .isNotEqualTo(pieces.checksums()[i]);
          piece.setByte(index, original);
          assertThat(Checksums.crc32c(piece)).isEqualTo(pieces.checksums()[i]);
        }
      }
    } finally {
      pieces.release();
    }
  }

  @Test
  void checksumsOfHeapAndCompositeBuffersAgreeWithDirectOnes() {
    byte[] data = random(5000, 17);
    ByteBuf direct = UnpooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
    ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(data.length).writeBytes(data);
    ByteBuf composite =
        UnpooledByteBufAllocator.DEFAULT
            .compositeBuffer()
            .addComponent(
                true, UnpooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(data, 0, 1234))
            .addComponent(
                true,
                UnpooledByteBufAllocator.DEFAULT
                    .directBuffer()
                    .writeBytes(data, 1234, data.length - 1234));
    try {
      int expected = independentCrc32c(data);
      assertThat(Checksums.crc32c(direct)).isEqualTo(expected);
      assertThat(Checksums.crc32c(heap)).isEqualTo(expected);
      assertThat(Checksums.crc32c(composite)).isEqualTo(expected);
      // Only the readable bytes count, and the reader index is left where it was.
      heap.readerIndex(100);
      assertThat(Checksums.crc32c(heap))
          .isEqualTo(independentCrc32c(Arrays.copyOfRange(data, 100, data.length)));
      assertThat(heap.readerIndex()).isEqualTo(100);
    } finally {
      direct.release();
      heap.release();
      composite.release();
    }
  }

  @Test
  void nonPositiveBlockSizeIsRejected() {
    assertThatThrownBy(
            () -> Blockifier.blockify(new byte[1], JAVA, CompressionCodec.NONE, 0, ALLOC))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Blockifier.blockify(new byte[1], JAVA, CompressionCodec.NONE, -1, ALLOC))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void aValueThatFailsToSerializeReleasesThePiecesAlreadyCut(CompressionCodec codec) {
    TrackingAllocator alloc = new TrackingAllocator();
    List<Object> value = new ArrayList<>();
    value.add(random(600_000, 19));
    value.add(new Object());
    assertThatThrownBy(() -> Blockifier.blockify(value, JAVA, codec, 1024, alloc))
        .isInstanceOf(NotSerializableException.class);
    assertThat(alloc.allocated).as("pieces cut before the failure").isNotEmpty();
    assertThat(alloc.allocated).allSatisfy(b -> assertThat(b.refCnt()).isZero());
  }

  /** Hands out unpooled buffers and remembers them, to check they were all released. */
  private static final class TrackingAllocator extends AbstractByteBufAllocator {
    final List<ByteBuf> allocated = new ArrayList<>();

    TrackingAllocator() {
      super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
      allocated.add(b);
      return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      ByteBuf b = UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
      allocated.add(b);
      return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }

  @Test
  void readsFromASourceInOrderHoldingOnePieceAtATime() throws IOException {
    byte[] value = random(3 << 20, 11);
    Blockifier.Pieces pieces =
        Blockifier.blockify(value, JAVA, CompressionCodec.NONE, 64 << 10, ALLOC);
    try {
      List<ByteBuf> buffers = pieces.buffers();
      List<Integer> asked = new ArrayList<>();
      Object back =
          Blockifier.unblockify(
              buffers.size(),
              index -> {
                if (index > 0) {
                  assertThat(buffers.get(index - 1).refCnt())
                      .as("piece %d released before piece %d is asked for", index - 1, index)
                      .isEqualTo(1);
                }
                asked.add(index);
                return buffers.get(index).retain();
              },
              JAVA,
              CompressionCodec.NONE,
              LOADER);
      assertThat((byte[]) back).isEqualTo(value);
      assertThat(asked).isEqualTo(IntStream.range(0, buffers.size()).boxed().toList());
      assertOnlyTheOwnersReference(buffers);
    } finally {
      pieces.release();
    }
  }

  @Test
  void aSourceThatFailsFailsTheReadAndLeaksNothing() throws IOException {
    byte[] value = random(1 << 20, 12);
    Blockifier.Pieces pieces =
        Blockifier.blockify(value, JAVA, CompressionCodec.LZ4, 64 << 10, ALLOC);
    try {
      List<ByteBuf> buffers = pieces.buffers();
      assertThat(buffers.size()).isGreaterThan(3);
      assertThatThrownBy(
              () ->
                  Blockifier.unblockify(
                      buffers.size(),
                      index -> {
                        if (index == 2) {
                          throw new IOException("piece 2 never came");
                        }
                        return buffers.get(index).retain();
                      },
                      JAVA,
                      CompressionCodec.LZ4,
                      LOADER))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("piece 2 never came");
      assertOnlyTheOwnersReference(buffers);
    } finally {
      pieces.release();
    }
  }

  /** Every piece is back to the one reference its owner holds: the reader released what it took. */
  private static void assertOnlyTheOwnersReference(List<ByteBuf> buffers) {
    for (int i = 0; i < buffers.size(); i++) {
      assertThat(buffers.get(i).refCnt()).as("references to piece %d", i).isEqualTo(1);
    }
  }
}
