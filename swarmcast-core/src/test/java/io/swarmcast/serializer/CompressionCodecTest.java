package io.swarmcast.serializer;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class CompressionCodecTest {

  private static byte[] compressible(int n) {
    byte[] unit =
        "the quick brown fox jumps over the lazy dog; ".getBytes(StandardCharsets.US_ASCII);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = unit[i % unit.length];
    }
    return b;
  }

  private static byte[] compress(CompressionCodec codec, byte[] data) throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = codec.compress(sink)) {
      out.write(data);
    }
    return sink.toByteArray();
  }

  private static byte[] decompress(CompressionCodec codec, byte[] compressed) throws IOException {
    try (InputStream in = codec.decompress(new ByteArrayInputStream(compressed))) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void roundTripsRandomData(CompressionCodec codec) throws IOException {
    byte[] data = random(3 << 20, 7);
    assertThat(decompress(codec, compress(codec, data))).isEqualTo(data);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void roundTripsCompressibleData(CompressionCodec codec) throws IOException {
    byte[] data = compressible(2 << 20);
    byte[] compressed = compress(codec, data);
    assertThat(decompress(codec, compressed)).isEqualTo(data);
    if (codec == CompressionCodec.NONE) {
      assertThat(compressed).isEqualTo(data);
    } else {
      assertThat(compressed.length).as("compressed size").isLessThan(data.length / 10);
    }
  }

  /** Around the LZ4 block size (256 KiB), where held-back data turns into a plain block stream. */
  @ParameterizedTest
  @ValueSource(ints = {63, 64, 1024, 262_143, 262_144, 262_145, 600_000})
  void lz4RoundTripsEverySizeAroundItsBlockAsThePlainBlockFormat(int size) throws IOException {
    byte[] data = random(size, size);
    byte[] compressed = compress(CompressionCodec.LZ4, data);
    try (InputStream in =
        new net.jpountz.lz4.LZ4BlockInputStream(new ByteArrayInputStream(compressed))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    // One block for a value that fits one: header (21 bytes) + the data stored raw (random) + end
    // mark (21).
    if (size <= 262_144) {
      assertThat(compressed.length).isEqualTo(21 + size + 21);
    }
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void roundTripsEmptyAndTinyInputs(CompressionCodec codec) throws IOException {
    assertThat(decompress(codec, compress(codec, new byte[0]))).isEmpty();
    assertThat(decompress(codec, compress(codec, new byte[] {42}))).containsExactly(42);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void roundTripsDataWrittenAByteAtATimeAndInOddChunks(CompressionCodec codec) throws IOException {
    byte[] data = random(300_000, 11);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = codec.compress(sink)) {
      int i = 0;
      for (; i < 1000; i++) {
        out.write(data[i]);
      }
      while (i < data.length) {
        int n = Math.min(7919, data.length - i);
        out.write(data, i, n);
        i += n;
      }
    }
    assertThat(decompress(codec, sink.toByteArray())).isEqualTo(data);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void closingTheCompressedStreamClosesTheUnderlyingOne(CompressionCodec codec) throws IOException {
    boolean[] closed = {false};
    OutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    OutputStream out = codec.compress(sink);
    out.write(compressible(1000));
    out.close();
    assertThat(closed[0]).isTrue();
  }

  @Test
  void lz4DetectsCorruptBlocksThroughItsChecksum() throws IOException {
    CompressionCodec codec = CompressionCodec.LZ4;
    byte[] data = compressible(100_000);
    byte[] compressed = compress(codec, data);
    for (int i = compressed.length / 3; i < compressed.length / 3 + 16; i++) {
      compressed[i] ^= (byte) 0x5A;
    }
    byte[] corrupted = compressed;
    assertThatThrownBy(() -> decompress(codec, corrupted)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @EnumSource(CompressionCodec.class)
  void byNameFindsEveryCodecByItsShortName(CompressionCodec codec) {
    assertThat(CompressionCodec.byName(codec.shortName())).isSameAs(codec);
    assertThat(CompressionCodec.byName(codec.shortName().toUpperCase())).isSameAs(codec);
    assertThat(CompressionCodec.byName(" " + codec.shortName() + " ")).isSameAs(codec);
  }

  @Test
  void shortNamesAreTheConfiguredNames() {
    assertThat(CompressionCodec.LZ4.shortName()).isEqualTo("lz4");
    assertThat(CompressionCodec.ZSTD.shortName()).isEqualTo("zstd");
    assertThat(CompressionCodec.NONE.shortName()).isEqualTo("none");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "snappy", "", "lz"})
  void byNameRejectsUnknownNamesListingTheValidOnes(String name) {
    assertThatThrownBy(() -> CompressionCodec.byName(name))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + name + "'")
        .satisfies(
            e -> {
              for (CompressionCodec c : CompressionCodec.values()) {
                assertThat(e.getMessage()).contains(c.shortName());
              }
            });
  }
}
