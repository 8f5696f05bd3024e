package io.swarmcast.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.JavaOpts;
import io.swarmcast.cli.JsonLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged command, as a user runs it: {@code swarmcast demo --json} in its own process. */
// A separate thread: the tests read a child's output, and only then can a hung child be noticed.
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoIT {
  @Test
  void demoReportsEveryExecutorVerifiedWithPeersSupplyingMostBytes() throws Exception {
    Path jar = Paths.get("target", "swarmcast.jar").toAbsolutePath();
    assertThat(jar).exists();
    Process p =
        new ProcessBuilder(
                JavaOpts.javaBinary(),
                "-jar",
                jar.toString(),
                "demo",
                "--executors",
                "4",
                "--size",
                "32m",
                "--reps",
                "2",
                "--json")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      List<String> lines = stdout.lines().toList();
      assertThat(lines).hasSize(2);
      for (String line : lines) {
        assertThat(line)
            .startsWith("{")
            .endsWith("}")
            .contains(
                "\"factory\":\"torrent\"",
                "\"executors\":4",
                "\"sizeBytes\":33554432",
                "\"allVerified\":true");
        assertThat(count(line, "\"verified\":true")).isEqualTo(4);
        long driver = field(line, "driverBytesSent");
        long peers = field(line, "peerBytesSent");
        assertThat(peers).as("peers supply most bytes").isGreaterThan(2 * driver);
      }
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * File rounds: each executor fetches a file of random bytes into its storage, checks its SHA-256,
   * and says so.
   */
  @Test
  void fileRoundsReportEveryExecutorVerified() throws Exception {
    Path jar = Paths.get("target", "swarmcast.jar").toAbsolutePath();
    Process p =
        new ProcessBuilder(
                JavaOpts.javaBinary(),
                "-jar",
                jar.toString(),
                "demo",
                "--files",
                "--executors",
                "3",
                "--size",
                "24m",
                "--reps",
                "2",
                "--json")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(stdout).isZero();
      List<String> lines = stdout.lines().toList();
      assertThat(lines)
          .hasSize(2)
          .allSatisfy(
              line -> {
                JsonLine json = JsonLine.parse(line);
                assertThat(json.flag("allVerified")).as(line).isTrue();
                assertThat(json.whole("sizeBytes")).isEqualTo(24L << 20);
                assertThat(json.whole("driverBytesSent") + json.whole("peerBytesSent"))
                    .as("three copies arrived")
                    .isGreaterThanOrEqualTo(3L * (24 << 20));
              });
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * The jar holds swarmcast-bench's {@code bench}, found through its service file, and the
   * simulator.
   */
  @Test
  void thePackagedJarHasTheBenchAndSimulateCommands() throws Exception {
    Path jar = Paths.get("target", "swarmcast.jar").toAbsolutePath();
    for (String command : List.of("bench", "simulate")) {
      Process p =
          new ProcessBuilder(JavaOpts.javaBinary(), "-jar", jar.toString(), command, "--help")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(command).isZero();
      assertThat(stdout).startsWith("Usage: swarmcast " + command);
    }
  }

  @Test
  void badSizeIsAUsageErrorNamingTheValue() throws Exception {
    Path jar = Paths.get("target", "swarmcast.jar").toAbsolutePath();
    Process p =
        new ProcessBuilder(JavaOpts.javaBinary(), "-jar", jar.toString(), "demo", "--size", "12x")
            .start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(stderr).contains("'12x'");
    assertThat(Files.exists(jar)).isTrue();
  }

  private static long field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(json);
    assertThat(m.find()).as(name).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
