package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.conf.SwarmConf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Argument handling of the command line, without starting any cluster. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SwarmcastCliTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private PrintStream savedOut;

  @BeforeEach
  void capture() {
    savedErr = System.err;
    savedOut = System.out;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(savedErr);
    System.setOut(savedOut);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void malformedSizeIsRejectedWithExitTwo() {
    assertThat(SwarmcastCli.run("demo", "--size", "12x")).isEqualTo(2);
    assertThat(stderr()).contains("malformed size '12x'");
  }

  @Test
  void unknownFactoryListsTheValidOnes() {
    assertThat(SwarmcastCli.run("demo", "--factory", "bittorrent")).isEqualTo(2);
    assertThat(stderr()).contains("bittorrent").contains("torrent, direct");
  }

  @Test
  void unknownConfigurationKeyIsAClearError() {
    assertThat(SwarmcastCli.run("demo", "--executors", "1", "--conf", "swarmcast.nope=1"))
        .isEqualTo(2);
    assertThat(stderr()).contains("unknown configuration key 'swarmcast.nope'");
  }

  @Test
  void zeroExecutorsIsRejected() {
    assertThat(SwarmcastCli.run("demo", "--executors", "0")).isEqualTo(2);
    assertThat(stderr()).contains("--executors must be at least 1");
  }

  @Test
  void faultsThatLeaveNobodyToVerifyAreRejected() {
    assertThat(
            SwarmcastCli.run(
                "demo", "--executors", "3", "--kill-executors", "2", "--corrupt-executors", "1"))
        .isEqualTo(2);
    assertThat(stderr())
        .contains(
            "--kill-executors 2 plus --corrupt-executors 1 must leave at least one of the 3 executors");
    assertThat(SwarmcastCli.run("demo", "--kill-executors", "-1")).isEqualTo(2);
    assertThat(stderr()).contains("must not be negative: -1, 0");
  }

  @Test
  void killingTheDriverIsOneTorrentRoundWithoutOtherFaults() {
    assertThat(SwarmcastCli.run("demo", "--kill-driver-after-seeded", "--reps", "2")).isEqualTo(2);
    assertThat(stderr()).contains("--reps must be 1, not 2");
    assertThat(SwarmcastCli.run("demo", "--kill-driver-after-seeded", "--kill-executors", "1"))
        .isEqualTo(2);
    assertThat(stderr())
        .contains("cannot be combined with --kill-executors or --corrupt-executors");
    assertThat(SwarmcastCli.run("demo", "--kill-driver-after-seeded", "--corrupt-executors", "1"))
        .isEqualTo(2);
    assertThat(SwarmcastCli.run("demo", "--kill-driver-after-seeded", "--factory", "direct"))
        .isEqualTo(2);
    assertThat(stderr()).contains("needs --factory torrent");
  }

  @Test
  void executorWithoutDriverIsAUsageError() {
    assertThat(SwarmcastCli.run("executor")).isEqualTo(2);
    assertThat(stderr()).contains("--driver");
  }

  @Test
  void executorThatCannotReachItsDriverFailsClearly() {
    assertThat(
            SwarmcastCli.run(
                "executor",
                "--driver",
                "127.0.0.1:1",
                "--conf",
                "swarmcast.executor.joinTimeout=1s"))
        .isEqualTo(1);
    assertThat(stderr())
        .contains("could not join driver 127.0.0.1:1 within 1 s")
        .contains("attempts)");
  }

  @Test
  void aSecretOnTheCommandLineIsRefusedAndOneInTheEnvironmentIsTaken() {
    assertThat(
            SwarmcastCli.run(
                "executor", "--driver", "127.0.0.1:1", "--conf", "swarmcast.auth.secret=hunter2"))
        .isEqualTo(2);
    assertThat(stderr())
        .contains("would show the secret to anyone running ps")
        .contains("SWARMCAST_SECRET")
        .doesNotContain("hunter2");
    SwarmConf conf =
        RoundOptions.withSecretFromEnvironment(
            new SwarmConf(), Map.of("SWARMCAST_SECRET", "  s3cret \n"));
    assertThat(conf.get(SwarmConf.AUTH_SECRET)).isEqualTo("s3cret");
  }

  @Test
  void helpExplainsEveryCommand() {
    assertThat(SwarmcastCli.run("--help")).isZero();
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help).contains("demo", "driver", "executor", "Examples:");
  }

  @Test
  void everyCommandsHelpFormatsCleanly() {
    // A lone '%' in a description is a format specifier to picocli: it prints a warning and the raw
    // text.
    Set<String> commands = SwarmcastCli.commandLine().getSubcommands().keySet();
    assertThat(commands)
        .contains(
            "demo",
            "driver",
            "executor",
            "simulate"); // bench is swarmcast-bench's (HelpTest in swarmcast-app)
    for (String command : commands) {
      assertThat(SwarmcastCli.run(command, "--help")).as(command).isZero();
      assertThat(stderr()).as(command).doesNotContain("picocli WARN");
    }
  }
}
