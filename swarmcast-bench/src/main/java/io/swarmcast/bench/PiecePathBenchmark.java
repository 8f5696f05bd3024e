package io.swarmcast.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swarmcast.broadcast.internal.Blockifier;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.serializer.ByteArraySerializer;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.KryoSerializer;
import io.swarmcast.serializer.Serializer;
import io.swarmcast.serializer.Serializers;
import io.swarmcast.storage.Checksums;
import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The two CPU-bound halves of a broadcast, per 256 MiB of incompressible bytes, as a byte[] value
 * or inside a record (see {@link #shape}; multiply the score by 4 for seconds per GiB):
 *
 * <ul>
 *   <li>{@code cut}: the driver's serialize + compress + cut into off-heap pieces + CRC32C each;
 *   <li>{@code read}: an executor's verify each piece's CRC32C + reassemble + decompress +
 *       deserialize.
 * </ul>
 *
 * Run: {@code java -jar swarmcast-bench/target/swarmcast-benchmarks.jar PiecePathBenchmark -p
 * codec=none,lz4}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch", "-XX:+UseParallelGC"})
public class PiecePathBenchmark {
  /** Bytes of value per operation. */
  static final int VALUE_BYTES = 256 << 20;

  @Param({"none", "lz4"})
  String codec;

  @Param({"java", "kryo"})
  String serializer;

  @Param({"4194304"})
  int blockSize;

  /**
   * {@code bytes}: the value is the byte[] itself, which a broadcast writes with the byte[]
   * serializer whatever {@link #serializer} says; {@code record}: a record holding it, which goes
   * through the serializer (Java serialization reads its array back 1 KiB at a time, so the piece
   * stream's cost per read counts).
   */
  @Param({"bytes", "record"})
  String shape;

  /** A value that holds its bytes in a field, as a model object would. */
  public record Blob(String name, byte[] data) implements Serializable {}

  private Object value;
  private Serializer ser;
  private CompressionCodec comp;
  private Blockifier.Pieces pieces;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    byte[] bytes = new byte[VALUE_BYTES];
    new SplittableRandom(42).nextBytes(bytes);
    value = shape.equals("bytes") ? bytes : new Blob("weights", bytes);
    // As a broadcast picks it: a byte[] value goes through the byte[] serializer whatever the
    // setting.
    ser =
        shape.equals("bytes")
            ? Serializers.forReading(ByteArraySerializer.NAME, new SwarmConf())
            : serializer.equals("kryo")
                ? new KryoSerializer(true, List.of(Blob.class))
                : Serializers.byName(serializer);
    comp = CompressionCodec.byName(codec);
    pieces = Blockifier.blockify(value, ser, comp, blockSize, ByteBufAllocator.DEFAULT);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pieces.release();
  }

  @Benchmark
  public int cut() throws Exception {
    Blockifier.Pieces p =
        Blockifier.blockify(value, ser, comp, blockSize, ByteBufAllocator.DEFAULT);
    int n = p.checksums().length;
    p.release();
    return n;
  }

  @Benchmark
  public void read(Blackhole bh) throws Exception {
    int[] expected = pieces.checksums();
    for (int i = 0; i < expected.length; i++) {
      ByteBuf piece = pieces.buffers().get(i);
      if (Checksums.crc32c(piece) != expected[i]) {
        throw new IllegalStateException("piece " + i + " corrupt");
      }
    }
    bh.consume(
        Blockifier.unblockify(
            pieces.buffers(), ser, comp, PiecePathBenchmark.class.getClassLoader()));
  }
}
