package io.swarmcast.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.JavaOpts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's fault injection, as a user runs it: {@code swarmcast demo --kill-executors K}, {@code
 * --corrupt-executors K} (6 executor JVMs) and {@code --kill-driver-after-seeded} (4) in their own
 * process, 64 MiB.
 */
// A separate thread: the tests read a child's output, and only then can a hung child be noticed.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoFaultsIT {
  /**
   * Two of six executors are SIGKILLed mid-transfer: the four survivors verify, the two are marked
   * killed (their read tasks failed with the lost connection, not a hang), the exit status is 0,
   * and the second broadcast goes to the survivors only.
   */
  @Test
  void killedExecutorsAreMarkedAndTheSurvivorsVerify() throws Exception {
    List<String> lines =
        demo("--executors", "6", "--kill-executors", "2", "--size", "64m", "--reps", "2", "--json");
    assertThat(lines).hasSize(2);
    String first = lines.get(0);
    assertThat(first).contains("\"executors\":6", "\"sizeBytes\":67108864", "\"allVerified\":true");
    List<String> per = perExecutor(first);
    assertThat(per).hasSize(6);
    assertThat(per.stream().filter(e -> e.contains("\"killed\":true")))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e).contains("\"verified\":false", "closed"));
    assertThat(per.stream().filter(e -> e.contains("\"killed\":false")))
        .hasSize(4)
        .allSatisfy(e -> assertThat(e).contains("\"verified\":true"));

    String second = lines.get(1);
    assertThat(second)
        .contains("\"rep\":2", "\"executors\":4", "\"allVerified\":true")
        .doesNotContain("\"killed\":true");
    assertThat(perExecutor(second)).allSatisfy(e -> assertThat(e).contains("\"verified\":true"));
  }

  /**
   * One of six executors serves every piece with a flipped bit: all six verify (it keeps a good
   * copy itself), it is marked corrupting, and the others report the corrupt pieces they detected.
   */
  @Test
  void aCorruptingExecutorIsMarkedAndTheOthersDetectItsPieces() throws Exception {
    List<String> lines =
        demo("--executors", "6", "--corrupt-executors", "1", "--size", "64m", "--json");
    assertThat(lines).hasSize(1);
    String line = lines.get(0);
    assertThat(line).contains("\"executors\":6", "\"allVerified\":true");
    assertThat(field(line, "corruptPiecesDetected")).as("corrupt pieces detected").isPositive();
    List<String> per = perExecutor(line);
    assertThat(per)
        .hasSize(6)
        .allSatisfy(e -> assertThat(e).contains("\"verified\":true", "\"killed\":false"));
    assertThat(per.stream().filter(e -> e.contains("\"corrupting\":true")))
        .hasSize(1)
        .allSatisfy(
            e ->
                assertThat(field(e, "corruptPiecesDetected"))
                    .as("it detects none: nobody else lies")
                    .isZero());
  }

  /**
   * The driver, a child process of the demo, is SIGKILLed as soon as every piece is on some
   * executor: all four executors still verify, reported through their own files (the demo asks the
   * dead driver nothing), and some finished after the kill with bytes from their peers: it died
   * mid-broadcast.
   */
  @Test
  void aDriverKilledOnceSeededLeavesEveryExecutorToFinishAndVerify() throws Exception {
    List<String> lines =
        demo("--executors", "4", "--size", "64m", "--kill-driver-after-seeded", "--json");
    assertThat(lines).hasSize(1);
    String line = lines.get(0);
    assertThat(line)
        .contains(
            "\"executors\":4",
            "\"sizeBytes\":67108864",
            "\"allVerified\":true",
            "\"driverKilled\":true");
    assertThat(field(line, "executorsDoneAfterKill"))
        .as("executors that finished after the driver died")
        .isPositive();
    assertThat(field(line, "peerBytesSent"))
        .as("bytes the executors had from each other")
        .isPositive();
    List<String> per = perExecutor(line);
    assertThat(per)
        .hasSize(4)
        .allSatisfy(e -> assertThat(e).contains("\"verified\":true").doesNotContain("\"error\""));
    assertThat(per.stream().map(e -> field(e, "id")).distinct())
        .as("four distinct executors reported")
        .hasSize(4);
  }

  /**
   * Runs the packaged demo; returns its stdout lines once it exited 0, or fails with its stderr.
   */
  private static List<String> demo(String... args) throws Exception {
    Path jar = Paths.get("target", "swarmcast.jar").toAbsolutePath();
    assertThat(jar).exists();
    Path stderr = Files.createTempFile("swarmcast-demo-", ".err");
    List<String> cmd =
        new ArrayList<>(List.of(JavaOpts.javaBinary(), "-jar", jar.toString(), "demo"));
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    try {
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("exit status; stderr:%n%s", Files.readString(stderr)).isZero();
      return stdout.lines().toList();
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }

  /** The perExecutor objects of one JSON line. */
  private static List<String> perExecutor(String json) {
    String list = json.substring(json.indexOf("\"perExecutor\":[") + 15, json.length() - 2);
    return Arrays.stream(list.split("\\},\\{")).toList();
  }

  private static long field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    assertThat(m.find()).as(name).isTrue();
    return Long.parseLong(m.group(1));
  }
}
