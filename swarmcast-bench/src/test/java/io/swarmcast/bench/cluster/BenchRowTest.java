package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.cli.JsonLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchRowTest {
  private static final String JSON =
      "{\"factory\":\"torrent\",\"rep\":2,\"executors\":4,\"sizeBytes\":16777216,"
          + "\"seconds\":2.6844,\"driverBytesSent\":16778629,\"peerBytesSent\":50335887,\"driverPeakHeapBytes\":55030648,"
          + "\"executorPeakHeapBytes\":58668832,\"driverCpuSeconds\":0.5000,\"executorCpuSeconds\":1.5000,"
          + "\"allVerified\":true,\"perExecutor\":[{\"id\":1,\"seconds\":1.9000,"
          + "\"fromDriverBytes\":4194304,\"fromPeersBytes\":12582912,\"cpuSeconds\":0.3750,\"verified\":true}]}";

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void headerHasExactlyTheDocumentedColumns() {
    assertThat(BenchRow.CSV_HEADER)
        .isEqualTo(
            "factory,executors,sizeBytes,rateMbit,rep,clusterBroadcast,seconds,"
                + "lowerBoundSeconds,ratio,driverBytesSent,peerBytesSent,driverPeakHeapBytes,executorPeakHeapBytes,"
                + "driverCpuSeconds,cpuSeconds,cpuSecondsPerGiB,seededSeconds");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void theSeededTimeIsReadWhenTheDriverReportsIt() {
    BenchRow r =
        BenchRow.fromDriverJson(
            JSON.replace("\"allVerified\"", "\"seededSeconds\":1.25,\"allVerified\""), 0, 0);
    assertThat(r.seededSeconds()).isEqualTo(1.25);
    assertThat(r.toCsv()).endsWith(",1.2500");
    assertThat(BenchRow.fromDriverJson(JSON, 0, 0).seededSeconds()).as("absent").isNaN();
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void parsesTheDriversJsonLine() {
    BenchRow r = BenchRow.fromDriverJson(JSON, 100_000_000, 0);
    assertThat(r)
        .isEqualTo(
            new BenchRow(
                "torrent",
                4,
                16_777_216,
                100_000_000,
                2,
                0,
                2.6844,
                16_778_629,
                50_335_887,
                55_030_648,
                58_668_832,
                0.5,
                1.5,
                true));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void cpuIsUnknownWhenTheDriverSaysNullOrNothing() {
    BenchRow nulls = BenchRow.fromDriverJson(JSON.replace("1.5000", "null"), 0, 0);
    assertThat(nulls.driverCpuSeconds()).isEqualTo(0.5);
    assertThat(nulls.executorCpuSeconds()).isNaN();
    assertThat(nulls.toCsv()).endsWith(",0.5000,,,");
    BenchRow old =
        BenchRow.fromDriverJson(
            JSON.replace("\"driverCpuSeconds\":0.5000,\"executorCpuSeconds\":1.5000,", ""), 0, 0);
    assertThat(old.cpuSeconds()).isNaN();
    assertThat(old.toCsv().split(",", -1)).hasSize(BenchRow.COLUMNS.size());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void cpuPerGiBCountsEveryExecutorsCopy() {
    BenchRow r = BenchRow.fromDriverJson(JSON, 0, 0);
    // 2.0 CPU seconds for 16 MiB to 4 executors = 1/16 GiB delivered: 32 s per GiB.
    assertThat(r.cpuSeconds()).isEqualTo(2.0);
    assertThat(r.cpuSecondsPerGiB()).isEqualTo(32.0);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void warmUpsShiftTheBroadcastsNumberInItsCluster() {
    assertThat(BenchRow.fromDriverJson(JSON, 0, 0).clusterBroadcast()).isEqualTo(2);
    assertThat(BenchRow.fromDriverJson(JSON, 0, 2).clusterBroadcast()).isEqualTo(4);
    assertThat(
            BenchRow.fromDriverJson(JSON.replace("\"rep\":2", "\"rep\":1"), 0, 0)
                .clusterBroadcast())
        .isEqualTo(1);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void perExecutorFieldsDoNotStandInForTopLevelOnes() {
    String noTopLevelSeconds = JSON.replace("\"seconds\":2.6844,", "");
    assertThatThrownBy(() -> BenchRow.fromDriverJson(noTopLevelSeconds, 0, 0))
        .hasMessageContaining("no field 'seconds'");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void refusesWhatIsNotJson() {
    assertThatThrownBy(() -> BenchRow.fromDriverJson("driver listening on 10.77.0.1:7077", 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> BenchRow.fromDriverJson(JSON.replace("2.6844", "fast"), 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> BenchRow.fromDriverJson(JSON.replace("2.6844", "\"fast\""), 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'seconds' holds a malformed number");
    assertThatThrownBy(
            () -> BenchRow.fromDriverJson(JSON.replace("\"rep\":2", "\"rep\":2.5"), 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'rep' holds a malformed number");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void readsAnyValidJsonNotJustTheDriversSpacingAndOrder() {
    String spaced =
        "{ \"allVerified\" : false, \"executorPeakHeapBytes\": 2, \"driverPeakHeapBytes\": 1,"
            + " \"peerBytesSent\": 0, \"driverBytesSent\": 3, \"seconds\": 1e1, \"rep\": 1, \"sizeBytes\": 4294967296,"
            + " \"executors\": 2, \"factory\": \"to\\\"rrent\", \"driverCpuSeconds\": null }";
    assertThat(BenchRow.fromDriverJson(spaced, 0, 0))
        .isEqualTo(
            new BenchRow(
                "to\"rrent",
                2,
                4L << 30,
                0,
                1,
                0,
                10.0,
                3,
                0,
                1,
                2,
                Double.NaN,
                Double.NaN,
                false));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void readsBackALineWrittenInTheDriversShape() {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("factory", "direct");
    line.put("rep", 3);
    line.put("executors", 8);
    line.put("sizeBytes", 1L << 33);
    line.put("seconds", JsonLine.fixed(12.34567, 4));
    line.put("driverBytesSent", 1L << 36);
    line.put("peerBytesSent", 0);
    line.put("driverPeakHeapBytes", 123_456_789L);
    line.put("executorPeakHeapBytes", 98_765_432L);
    line.put("driverCpuSeconds", JsonLine.fixed(0.5, 4));
    line.put("executorCpuSeconds", JsonLine.fixed(Double.NaN, 4));
    line.put("allVerified", true);
    line.put("perExecutor", List.of(Map.of("id", 1, "seconds", JsonLine.fixed(1.0, 4))));
    assertThat(BenchRow.fromDriverJson(JsonLine.write(line), 1_000_000_000, 1))
        .isEqualTo(
            new BenchRow(
                "direct",
                8,
                1L << 33,
                1_000_000_000,
                3,
                1,
                12.3457,
                1L << 36,
                0,
                123_456_789,
                98_765_432,
                0.5,
                Double.NaN,
                true));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void formatsACsvRowWithLowerBoundAndRatio() {
    BenchRow r = BenchRow.fromDriverJson(JSON, 100_000_000, 0);
    // 16 MiB * 8 / 100e6 bit/s = 1.34217728 s; 2.6844 / 1.34217728 = 2.00003...
    assertThat(r.lowerBoundSeconds()).isCloseTo(1.34217728, Offset.offset(1e-9));
    assertThat(r.toCsv())
        .isEqualTo(
            "torrent,4,16777216,100,2,2,2.6844,1.3422,2.0000,16778629,50335887,55030648,58668832,"
                + "0.5000,2.0000,32.0000,");
    assertThat(r.toCsv().split(",", -1)).hasSize(BenchRow.COLUMNS.size());
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void withoutARateLowerBoundAndRatioAreZero() {
    BenchRow r = BenchRow.fromDriverJson(JSON, 0, 0);
    assertThat(r.toCsv())
        .isEqualTo(
            "torrent,4,16777216,0,2,2,2.6844,0.0000,0.0000,16778629,50335887,55030648,58668832,"
                + "0.5000,2.0000,32.0000,");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void fractionalRatesKeepTheirDecimals() {
    BenchRow r =
        new BenchRow("direct", 1, 1_000_000, 500_000, 1, 0, 20.0, 1, 0, 0, 0, 1.0, 2.0, true);
    assertThat(r.toCsv()).startsWith("direct,1,1000000,0.5,1,1,20.0000,16.0000,1.2500,");
    assertThat(List.of(r.toCsv().split(","))).hasSize(16);
  }
}
