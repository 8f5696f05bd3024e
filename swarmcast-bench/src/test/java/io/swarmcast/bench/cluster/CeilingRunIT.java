package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link TcpCeiling} as the bench runs it: two JVMs on 127.0.0.1. */
class CeilingRunIT {
  @TempDir Path logs;

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void twoJvmsMeasureEveryRepetition() throws Exception {
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-cp",
            System.getProperty("java.class.path"));
    CeilingRun.Result r = CeilingRun.measure(java, 9L << 20, 2, logs);
    assertThat(r.bytes()).isEqualTo(9L << 20);
    assertThat(r.seconds()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive());
    assertThat(r.medianMiBps()).isPositive();
    assertThat(Files.readString(logs.resolve("ceiling-receiver.out"))).startsWith("port ");
  }
}
