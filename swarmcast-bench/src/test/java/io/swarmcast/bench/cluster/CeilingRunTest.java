package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CeilingRunTest {
  private static final long MIB512 = 512L << 20;

  @Test
  void readsTheReceiversJsonLinesAndSkipsTheRest() {
    List<String> out =
        List.of(
            "port 40123",
            "{\"rep\":1,\"bytes\":536870912,\"seconds\":0.250000}",
            "some JVM warning",
            "{\"rep\":2,\"bytes\":536870912,\"seconds\":0.200000}");
    assertThat(CeilingRun.parse(out, MIB512)).containsExactly(0.25, 0.2);
  }

  @Test
  void readsBackWhatTheReceiverWrites() {
    List<String> out =
        List.of(
            "port 40123",
            TcpCeiling.line(1, MIB512, 0.1234564),
            "{ not JSON after all",
            TcpCeiling.line(2, MIB512, 2.5));
    assertThat(out.get(1)).isEqualTo("{\"rep\":1,\"bytes\":536870912,\"seconds\":0.123456}");
    assertThat(CeilingRun.parse(out, MIB512)).containsExactly(0.123456, 2.5);
  }

  @Test
  void refusesATransferOfTheWrongSize() {
    assertThatThrownBy(
            () -> CeilingRun.parse(List.of("{\"rep\":1,\"bytes\":12,\"seconds\":0.1}"), MIB512))
        .hasMessageContaining("got 12 bytes");
  }

  @Test
  void medianRateAndCsv() {
    CeilingRun.Result r = new CeilingRun.Result(MIB512, List.of(0.5, 0.25, 0.2));
    assertThat(r.medianMiBps()).isCloseTo(2048.0, within(1e-9));
    assertThat(r.csv())
        .isEqualTo(
            "rep,bytes,seconds,MiBps\n1,536870912,0.500000,1024.0\n"
                + "2,536870912,0.250000,2048.0\n3,536870912,0.200000,2560.0\n");
  }
}
