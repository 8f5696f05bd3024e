package io.swarmcast.serializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.SwarmConf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.StreamCorruptedException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ByteArraySerializerTest {
  private final ByteArraySerializer bytes = new ByteArraySerializer(JavaSerializer.DEFAULT_FILTER);

  private byte[] written(Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    bytes.serialize(value, out);
    return out.toByteArray();
  }

  private Object read(ByteArraySerializer serializer, byte[] stream) throws IOException {
    return serializer.deserialize(new ByteArrayInputStream(stream), getClass().getClassLoader());
  }

  @Test
  void writesTheLengthThenTheBytes() throws IOException {
    assertThat(written(new byte[] {7, 8, 9})).containsExactly(0, 0, 0, 3, 7, 8, 9);
    assertThat(written(new byte[0])).containsExactly(0, 0, 0, 0);
  }

  @Test
  void roundTripsLargeAndEmptyArrays() throws IOException {
    byte[] value = new byte[300_000];
    new Random(3).nextBytes(value);
    assertThat((byte[]) read(bytes, written(value))).isEqualTo(value).isNotSameAs(value);
    assertThat((byte[]) read(bytes, written(new byte[0]))).isEmpty();
  }

  @Test
  void writesNothingButAByteArray() {
    assertThatThrownBy(() -> written("text"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only a byte[]")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> written(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
  }

  @Test
  void theJavaFilterBoundsTheArrayBeforeItIsAllocated() throws IOException {
    ByteArraySerializer strict = new ByteArraySerializer("maxarray=100");
    assertThatThrownBy(() -> read(strict, written(new byte[1000])))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("byte[1000]")
        .hasMessageContaining("maxarray=100");
    // Only the header is needed to refuse it: the 2 GiB it claims are never allocated.
    assertThatThrownBy(() -> read(strict, new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("byte[2147483647]");
    assertThat((byte[]) read(strict, written(new byte[100]))).hasSize(100);
  }

  @Test
  void aTruncatedOrNegativeArrayIsAClearError() throws IOException {
    byte[] truncated = Arrays.copyOf(written(new byte[1000]), 500);
    assertThatThrownBy(() -> read(bytes, truncated)).isInstanceOf(EOFException.class);
    assertThatThrownBy(
            () -> read(bytes, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe}))
        .isInstanceOf(StreamCorruptedException.class)
        .hasMessageContaining("negative length -2");
    assertThatThrownBy(() -> read(bytes, new byte[] {0, 0})).isInstanceOf(EOFException.class);
  }

  @Test
  void handlesFindItByNameWithTheNodesFilter() {
    assertThat(Serializers.forReading(ByteArraySerializer.NAME, new SwarmConf()))
        .isInstanceOf(ByteArraySerializer.class)
        .extracting(Serializer::name)
        .isEqualTo("bytes");
    Serializer strict =
        Serializers.forReading("bytes", new SwarmConf().set(SwarmConf.JAVA_FILTER, "maxarray=10"));
    assertThatThrownBy(
            () ->
                strict.deserialize(
                    new ByteArrayInputStream(new byte[] {0, 0, 0, 11}),
                    getClass().getClassLoader()))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("maxarray=10");
  }
}
