package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.swarmcast.cli.RoundResult.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's {@code --json} line and human table: the fields docs/cli.md documents, CPU and
 * faults included.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RoundResultTest {
  private static RoundResult.ExecutorResult executor(int id, double cpu) {
    return new RoundResult.ExecutorResult(id, 1.25, 1024, 0, true, 2048, cpu, 0, "", Fault.NONE);
  }

  private static RoundResult.ExecutorResult killed(int id) {
    return new RoundResult.ExecutorResult(
        id,
        Double.NaN,
        0,
        0,
        false,
        0,
        Double.NaN,
        0,
        "connection to 127.0.0.1:4242 closed",
        Fault.KILLED);
  }

  private static RoundResult.ExecutorResult corrupting(int id) {
    return new RoundResult.ExecutorResult(
        id, 1.0, 1024, 0, true, 2048, 0.5, 0, "", Fault.CORRUPTING);
  }

  private static RoundResult.ExecutorResult detecting(int id, long corruptPieces) {
    return new RoundResult.ExecutorResult(
        id, 1.5, 512, 512, true, 2048, 0.5, corruptPieces, "", Fault.NONE);
  }

  private static RoundResult round(List<RoundResult.ExecutorResult> per) {
    return new RoundResult("torrent", 1, per.size(), 1024, 1.5, 1024, 1024, 4096, 0.125, per);
  }

  @Test
  void jsonCarriesTheDriversAndEachExecutorsCpu() {
    RoundResult r =
        new RoundResult(
            "torrent",
            1,
            2,
            1024,
            1.5,
            1024,
            1024,
            4096,
            0.125,
            List.of(executor(1, 0.5), executor(2, 0.25)));
    assertThat(r.toJson())
        .isEqualTo(
            "{\"factory\":\"torrent\",\"rep\":1,\"executors\":2,\"sizeBytes\":1024,"
                + "\"seconds\":1.5000,\"driverBytesSent\":1024,\"peerBytesSent\":1024,\"driverPeakHeapBytes\":4096,"
                + "\"executorPeakHeapBytes\":2048,\"driverCpuSeconds\":0.1250,\"executorCpuSeconds\":0.7500,\"allVerified\":true,"
                + "\"corruptPiecesDetected\":0,\"driverKilled\":false,\"seededSeconds\":null,"
                + "\"perExecutor\":[{\"id\":1,\"seconds\":1.2500,\"fromDriverBytes\":1024,\"fromPeersBytes\":0,\"cpuSeconds\":0.5000,"
                + "\"verified\":true,\"killed\":false,\"corrupting\":false,\"corruptPiecesDetected\":0},"
                + "{\"id\":2,\"seconds\":1.2500,\"fromDriverBytes\":1024,\"fromPeersBytes\":0,"
                + "\"cpuSeconds\":0.2500,\"verified\":true,\"killed\":false,\"corrupting\":false,\"corruptPiecesDetected\":0}]}");
  }

  /**
   * What the bench and the demo's readers get back from the line: every figure, and any error text
   * verbatim.
   */
  @Test
  void jsonReadsBackAsWritten() throws Exception {
    String error = "read failed: \"piece 3\" \\ checksum\nsecond line\t\u0007 é";
    RoundResult.ExecutorResult failed =
        new RoundResult.ExecutorResult(
            2, Double.NaN, 7, 9, false, 0, 0.33333, 0, error, Fault.NONE);
    RoundResult r =
        new RoundResult(
            "torrent",
            3,
            2,
            5L << 30,
            12.34567,
            5L << 30,
            6L << 30,
            4096,
            Double.NaN,
            List.of(executor(1, 0.5), failed),
            new RoundResult.DriverKill(1));
    String line = r.toJson();
    assertThat(line).doesNotContain("\n");

    JsonLine back = JsonLine.parse(line);
    assertThat(back.text("factory")).isEqualTo("torrent");
    assertThat(back.wholeInt("rep")).isEqualTo(3);
    assertThat(back.wholeInt("executors")).isEqualTo(2);
    assertThat(back.whole("sizeBytes")).isEqualTo(5L << 30);
    assertThat(back.number("seconds")).isEqualTo(12.3457);
    assertThat(back.whole("driverBytesSent")).isEqualTo(5L << 30);
    assertThat(back.whole("peerBytesSent")).isEqualTo(6L << 30);
    assertThat(back.whole("driverPeakHeapBytes")).isEqualTo(4096);
    assertThat(back.whole("executorPeakHeapBytes")).isEqualTo(2048);
    assertThat(back.has("driverCpuSeconds")).as("unknown is written, as null").isTrue();
    assertThat(back.numberOrNaN("driverCpuSeconds")).isNaN();
    assertThat(back.number("executorCpuSeconds")).isEqualTo(0.8333);
    assertThat(back.flag("allVerified")).isFalse();
    assertThat(back.flag("driverKilled")).isTrue();
    assertThat(back.wholeInt("executorsDoneAfterKill")).isEqualTo(1);
    assertThat(JSON.std.mapFrom(line).get("perExecutor"))
        .isEqualTo(
            List.of(
                Map.of(
                    "id",
                    1,
                    "seconds",
                    1.25,
                    "fromDriverBytes",
                    1024,
                    "fromPeersBytes",
                    0,
                    "cpuSeconds",
                    0.5,
                    "verified",
                    true,
                    "killed",
                    false,
                    "corrupting",
                    false,
                    "corruptPiecesDetected",
                    0),
                mapOf(
                    "id",
                    2,
                    "seconds",
                    null,
                    "fromDriverBytes",
                    7,
                    "fromPeersBytes",
                    9,
                    "cpuSeconds",
                    0.3333,
                    "verified",
                    false,
                    "killed",
                    false,
                    "corrupting",
                    false,
                    "corruptPiecesDetected",
                    0,
                    "error",
                    error)));
  }

  /** Map.of, but with nulls. */
  private static Map<String, Object> mapOf(Object... keysAndValues) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  @Test
  void unknownCpuIsNullNotNaN() {
    RoundResult r =
        new RoundResult(
            "direct",
            1,
            2,
            1024,
            1.5,
            2048,
            0,
            4096,
            Double.NaN,
            List.of(executor(1, 0.5), executor(2, Double.NaN)));
    assertThat(r.executorCpuSeconds()).isNaN();
    assertThat(r.toJson())
        .contains("\"driverCpuSeconds\":null,\"executorCpuSeconds\":null")
        .contains("\"cpuSeconds\":null")
        .doesNotContain("NaN");
  }

  @Test
  void killedExecutorsAreMarkedAndNotCountedAsFailures() {
    RoundResult r = round(List.of(executor(1, 0.5), killed(2), executor(3, 0.25)));
    assertThat(r.allVerified()).isTrue();
    assertThat(r.killed()).isEqualTo(1);
    assertThat(r.executorCpuSeconds())
        .as("the survivors' CPU; the killed one's is unknown")
        .isEqualTo(0.75);
    assertThat(r.toJson())
        .contains("\"allVerified\":true")
        .contains(
            "{\"id\":2,\"seconds\":null,\"fromDriverBytes\":0,\"fromPeersBytes\":0,\"cpuSeconds\":null,"
                + "\"verified\":false,\"killed\":true,\"corrupting\":false,\"corruptPiecesDetected\":0,"
                + "\"error\":\"connection to 127.0.0.1:4242 closed\"}");
  }

  @Test
  void aSurvivorThatFailsStillFailsTheRoundAndSoDoesKillingEveryone() {
    RoundResult.ExecutorResult failed =
        new RoundResult.ExecutorResult(3, Double.NaN, 0, 0, false, 0, 0.1, 0, "boom", Fault.NONE);
    assertThat(round(List.of(executor(1, 0.5), killed(2), failed)).allVerified()).isFalse();
    assertThat(round(List.of(killed(1), killed(2))).allVerified())
        .as("nobody left who verified")
        .isFalse();
  }

  @Test
  void corruptingExecutorsAreMarkedAndDetectedPiecesAddUp() {
    RoundResult r = round(List.of(corrupting(1), detecting(2, 2), detecting(3, 1)));
    assertThat(r.allVerified()).isTrue();
    assertThat(r.corruptPiecesDetected()).isEqualTo(3);
    assertThat(r.toJson())
        .contains(
            "\"allVerified\":true,\"corruptPiecesDetected\":3,\"driverKilled\":false,\"seededSeconds\":null,\"perExecutor\"")
        .contains(
            "{\"id\":1,\"seconds\":1.0000,\"fromDriverBytes\":1024,\"fromPeersBytes\":0,\"cpuSeconds\":0.5000,"
                + "\"verified\":true,\"killed\":false,\"corrupting\":true,\"corruptPiecesDetected\":0}")
        .contains("\"id\":2,")
        .contains("\"corrupting\":false,\"corruptPiecesDetected\":2}");
  }

  @Test
  void aKilledDriverIsMarkedWithTheExecutorsThatFinishedWithoutIt() {
    List<RoundResult.ExecutorResult> per = List.of(executor(1, 0.5), executor(2, 0.25));
    RoundResult r =
        new RoundResult(
            "torrent", 1, 2, 1024, 1.5, 2048, 0, 0, Double.NaN, per, new RoundResult.DriverKill(2));
    assertThat(r.driverKilled()).isTrue();
    assertThat(r.toJson())
        .contains(
            "\"allVerified\":true,\"corruptPiecesDetected\":0,\"driverKilled\":true,"
                + "\"executorsDoneAfterKill\":2,\"seededSeconds\":null,\"perExecutor\"");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BroadcastRounds.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), r);
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow())
        .endsWith("; all verified; driver SIGKILLed once seeded, 2 executors finished without it");
  }

  @Test
  void theTableShowsKilledAndCorruptingExecutors() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BroadcastRounds.printTable(
        new PrintStream(bytes, true, StandardCharsets.UTF_8),
        round(List.of(corrupting(1), killed(2), detecting(3, 2))));
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0))
        .endsWith(
            "; all 2 survivors verified, 1 killed; 2 corrupt pieces detected and fetched again");
    assertThat(lines.get(1)).contains("corrupt").endsWith("verified");
    assertThat(lines.get(2)).startsWith("  1 ").endsWith("yes; served corrupt pieces");
    assertThat(lines.get(3)).startsWith("  2 ").endsWith("killed (SIGKILL)");
    assertThat(lines.get(4)).startsWith("  3 ").matches(".* 2  yes$");
  }

  @Test
  void theTableOfAHealthyRoundSaysAllVerified() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BroadcastRounds.printTable(
        new PrintStream(bytes, true, StandardCharsets.UTF_8), round(List.of(executor(1, 0.5))));
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().findFirst())
        .hasValueSatisfying(l -> assertThat(l).endsWith("; all verified"));
  }

  @Test
  void cpuBetweenTwoSamples() {
    assertThat(BroadcastRounds.cpuSeconds(1_000_000_000L, 3_500_000_000L)).isEqualTo(2.5);
    assertThat(BroadcastRounds.cpuSeconds(-1, 5)).isNaN();
    assertThat(BroadcastRounds.cpuSeconds(5, -1)).isNaN();
  }
}
