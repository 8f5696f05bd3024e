package io.swarmcast.bench;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The driver's fixed cost of a small broadcast: {@code newBroadcast} of a 1 KiB {@code byte[]}
 * (serialize, compress, cut, checksum, store, register with the tracker) and its {@code destroy},
 * on a driver with no executors. With the C1 compiler only, as the emulated cluster's JVMs run.
 * Run: {@code java -jar swarmcast-bench/target/swarmcast-benchmarks.jar NewBroadcastBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"})
public class NewBroadcastBenchmark {
  @Param({"lz4", "none"})
  String codec;

  private BroadcastManager driver;
  private final byte[] value = new byte[1024];

  @Setup
  public void start() {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_HOST, "127.0.0.1")
            .set(SwarmConf.DRIVER_PORT, "0")
            .set(SwarmConf.COMPRESS, codec);
    driver = new BroadcastManager(true, conf, SecurityManager.insecure());
  }

  @TearDown
  public void stop() {
    driver.stop();
  }

  @Benchmark
  public long newBroadcastAndDestroy() {
    Broadcast<byte[]> b = driver.newBroadcast(value, false);
    b.destroy();
    return b.id();
  }
}
