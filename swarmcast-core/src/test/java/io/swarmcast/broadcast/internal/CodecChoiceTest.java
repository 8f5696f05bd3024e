package io.swarmcast.broadcast.internal;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.JavaSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Values that do not compress are written raw, whatever codec is configured; the rest through it.
 */
@Timeout(30)
class CodecChoiceTest {
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

  @ParameterizedTest
  @EnumSource(
      value = CompressionCodec.class,
      names = {"LZ4", "ZSTD"})
  void randomBytesGoOutRawAndUnchanged(CompressionCodec codec) throws IOException {
    for (int size :
        new int[] {
          10,
          100_000,
          CodecChoice.PROBE_BYTES - 1,
          CodecChoice.PROBE_BYTES,
          3 * CodecChoice.PROBE_BYTES + 17
        }) {
      byte[] data = random(size, size);
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      CodecChoice out = new CodecChoice(sink, codec);
      writeInOddChunks(out, data);
      out.close();
      assertThat(out.chosen()).as("%d random bytes", size).isEqualTo(CompressionCodec.NONE);
      assertThat(sink.toByteArray()).isEqualTo(data);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionCodec.class,
      names = {"LZ4", "ZSTD"})
  void compressibleBytesGoThroughTheCodecAndComeBack(CompressionCodec codec) throws IOException {
    for (int size : new int[] {2_000, CodecChoice.PROBE_BYTES, 2 * CodecChoice.PROBE_BYTES + 5}) {
      byte[] data = new byte[size];
      for (int i = 0; i < size; i++) {
        data[i] = (byte) ("the same words again and again ".charAt(i % 31));
      }
      ByteArrayOutputStream sink = new ByteArrayOutputStream();
      CodecChoice out = new CodecChoice(sink, codec);
      writeInOddChunks(out, data);
      out.close();
      assertThat(out.chosen()).isEqualTo(codec);
      assertThat(sink.size()).isLessThan(size / 2);
      assertThat(codec.decompress(new ByteArrayInputStream(sink.toByteArray())).readAllBytes())
          .isEqualTo(data);
    }
  }

  @Test
  void noneStaysNoneWithoutAProbe() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    CodecChoice out = new CodecChoice(sink, CompressionCodec.NONE);
    out.write(new byte[] {1, 2, 3});
    assertThat(sink.toByteArray()).as("nothing held back").containsExactly(1, 2, 3);
    out.close();
    assertThat(out.chosen()).isEqualTo(CompressionCodec.NONE);
  }

  @Test
  void serializeReportsTheCodecItUsedAndTheValueReadsBackWithIt() throws Exception {
    byte[] random = random(1 << 20, 9);
    Blockifier.Serialized raw =
        Blockifier.serialize(
            random, new JavaSerializer(), CompressionCodec.LZ4, 64 << 10, ALLOC, true);
    assertThat(raw.codec()).isEqualTo(CompressionCodec.NONE);
    assertThat(
            Blockifier.unblockify(
                raw.blocks(), new JavaSerializer(), raw.codec(), getClass().getClassLoader()))
        .isEqualTo(random);
    raw.blocks().forEach(ByteBuf::release);

    int[] compressible = new int[300_000];
    Arrays.fill(compressible, 7);
    Blockifier.Serialized packed =
        Blockifier.serialize(
            compressible, new JavaSerializer(), CompressionCodec.LZ4, 64 << 10, ALLOC, true);
    assertThat(packed.codec()).isEqualTo(CompressionCodec.LZ4);
    assertThat(packed.blocks().stream().mapToLong(ByteBuf::readableBytes).sum())
        .isLessThan(100_000);
    assertThat(
            (int[])
                Blockifier.unblockify(
                    packed.blocks(),
                    new JavaSerializer(),
                    packed.codec(),
                    getClass().getClassLoader()))
        .isEqualTo(compressible);
    packed.blocks().forEach(ByteBuf::release);
  }

  private static void writeInOddChunks(OutputStream out, byte[] data) throws IOException {
    int off = 0;
    int chunk = 1;
    while (off < data.length) {
      int n = Math.min(chunk, data.length - off);
      if (n == 1) {
        out.write(data[off]);
      } else {
        out.write(data, off, n);
      }
      off += n;
      chunk = chunk * 3 + 1;
    }
  }
}
