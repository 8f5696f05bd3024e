package io.swarmcast.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The plugin in {@code local[*]}: driver and executor share one JVM, and tasks read the broadcast
 * from the driver's node. Each test runs a Spark driver JVM of its own with the shaded jar.
 */
class SwarmcastSparkLocalIT {
  private static final int VALUE_BYTES = 4 << 20;

  @Test
  @Timeout(120)
  void everyTaskReadsTheBroadcastOnceForTheJvm() throws Exception {
    Path dir = SparkJvm.workDir();
    Path out = dir.resolve("local.out");
    Path log = dir.resolve("local.log");
    Files.deleteIfExists(out);

    int exit =
        SparkJvm.run(
            BroadcastDigestJob.class,
            log,
            Duration.ofSeconds(100),
            "run",
            "local[4]",
            "0",
            Integer.toString(VALUE_BYTES),
            "8",
            out.toString(),
            SparkJvm.shadedJar().toString());

    assertThat(exit).as("driver exit status; log:\n%s", SparkJvm.tail(log, 60)).isZero();
    JobOutput result = JobOutput.read(out);
    assertThat(result.tasks()).hasSize(8);
    assertThat(result.tasks())
        .allSatisfy(
            t -> {
              assertThat(t.executor()).isEqualTo("driver");
              assertThat(t.digest()).isEqualTo(result.expected());
            });
    // One deserialized value for the JVM, whatever the number of tasks and closure copies.
    assertThat(result.tasks().stream().map(JobOutput.Task::identity).collect(Collectors.toSet()))
        .hasSize(1);
    // Nothing crossed a socket: the tasks read the driver node's own pieces.
    assertThat(result.driverServed()).isZero();
  }

  /**
   * The cleaner (on by default) removes a broadcast once its handle is dropped, and never one still
   * held.
   */
  @Test
  @Timeout(150)
  void aDroppedBroadcastIsCleanedUpAndAHeldOneStays() throws Exception {
    Path dir = SparkJvm.workDir();
    Path out = dir.resolve("cleanup.out");
    Path log = dir.resolve("cleanup.log");
    Files.deleteIfExists(out);

    int exit =
        SparkJvm.run(
            BroadcastDigestJob.class,
            log,
            Duration.ofSeconds(130),
            "cleanup",
            "local[2]",
            "0",
            Integer.toString(VALUE_BYTES),
            "4",
            out.toString(),
            SparkJvm.shadedJar().toString());

    assertThat(exit).as("driver exit status; log:\n%s", SparkJvm.tail(log, 60)).isZero();
    List<String> lines = Files.readAllLines(out);
    String expected = lines.get(2).split(" ")[1];
    assertThat(lines.get(0))
        .as("the dropped broadcast is forgotten by the driver's tracker")
        .endsWith(" false");
    assertThat(lines.get(1))
        .as("the kept one is still known and readable")
        .endsWith(" true " + expected);
  }

  @Test
  @Timeout(120)
  void aMisspeltSwarmcastKeyStopsStartUpNamingIt() throws Exception {
    Path dir = SparkJvm.workDir();
    Path out = dir.resolve("badkey.out");
    Path log = dir.resolve("badkey.log");
    Files.deleteIfExists(out);

    int exit =
        SparkJvm.run(
            BroadcastDigestJob.class,
            log,
            Duration.ofSeconds(100),
            "badKey",
            "local[2]",
            "0",
            "0",
            "0",
            out.toString(),
            SparkJvm.shadedJar().toString());

    assertThat(exit).as("driver exit status; log:\n%s", SparkJvm.tail(log, 60)).isZero();
    assertThat(Files.readString(out))
        .startsWith("startupFailure ")
        .contains("unknown Spark setting 'spark.swarmcast.broadcast.blocksize'")
        .contains("spark.swarmcast.broadcast.blockSize");
  }
}
