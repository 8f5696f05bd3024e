package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver's {@code --json} line: the fields the README documents, CPU included. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RoundResultTest {
  private static RoundResult.ExecutorResult executor(int id, double cpu) {
    return new RoundResult.ExecutorResult(id, 1.25, 1024, 0, true, 2048, cpu, "");
  }

  @Test
  void jsonCarriesTheDriversAndEachExecutorsCpu() {
    RoundResult r = new RoundResult("torrent", 1, 2, 1024, 1.5, 1024, 1024, 4096, 0.125,
        List.of(executor(1, 0.5), executor(2, 0.25)));
    assertThat(r.toJson()).isEqualTo("{\"factory\":\"torrent\",\"rep\":1,\"executors\":2,\"sizeBytes\":1024,"
        + "\"seconds\":1.5000,\"driverBytesSent\":1024,\"peerBytesSent\":1024,\"driverPeakHeapBytes\":4096,"
        + "\"executorPeakHeapBytes\":2048,\"driverCpuSeconds\":0.1250,\"executorCpuSeconds\":0.7500,\"allVerified\":true,"
        + "\"perExecutor\":[{\"id\":1,\"seconds\":1.2500,\"fromDriverBytes\":1024,\"fromPeersBytes\":0,\"cpuSeconds\":0.5000,"
        + "\"verified\":true},{\"id\":2,\"seconds\":1.2500,\"fromDriverBytes\":1024,\"fromPeersBytes\":0,"
        + "\"cpuSeconds\":0.2500,\"verified\":true}]}");
  }

  @Test
  void unknownCpuIsNullNotNaN() {
    RoundResult r = new RoundResult("direct", 1, 2, 1024, 1.5, 2048, 0, 4096, Double.NaN,
        List.of(executor(1, 0.5), executor(2, Double.NaN)));
    assertThat(r.executorCpuSeconds()).isNaN();
    assertThat(r.toJson()).contains("\"driverCpuSeconds\":null,\"executorCpuSeconds\":null")
        .contains("\"cpuSeconds\":null").doesNotContain("NaN");
  }

  @Test
  void cpuBetweenTwoSamples() {
    assertThat(BroadcastRounds.cpuSeconds(1_000_000_000L, 3_500_000_000L)).isEqualTo(2.5);
    assertThat(BroadcastRounds.cpuSeconds(-1, 5)).isNaN();
    assertThat(BroadcastRounds.cpuSeconds(5, -1)).isNaN();
  }
}
