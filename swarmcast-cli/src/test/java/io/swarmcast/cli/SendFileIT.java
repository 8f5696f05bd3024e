package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmcast.conf.ByteSize;
import io.swarmcast.node.Endpoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-command file transfer as a person runs it: three {@code swarmcast executor --out DIR}
 * processes whose heap and direct memory are each a quarter of the file or less, and {@code
 * swarmcast send}. The file's size is {@code -Dswarmcast.it.sendFileBytes} (256m by default; 4g is
 * the big-file check: {@code mvn -B verify -pl swarmcast-cli -am -Dit.test=SendFileIT
 * -Dswarmcast.it.sendFileBytes=4g}).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendFileIT {
  private static final int EXECUTORS = 3;
  private static final List<String> SMALL_JVM = List.of("-Xmx64m", "-XX:MaxDirectMemorySize=64m");

  @TempDir Path tmp;

  @Test
  void everyExecutorGetsTheFileUnderItsNameWithSmallHeapAndDirectMemory() throws Exception {
    long bytes = ByteSize.parse(System.getProperty("swarmcast.it.sendFileBytes", "256m"));
    Path file = randomFile(tmp.resolve("model.bin"), bytes);
    Path second = randomFile(tmp.resolve("vocab.txt"), 1_000_003);
    String want = sha256(file);
    int port = freePort();
    List<Path> outs = new ArrayList<>();
    for (int i = 1; i <= EXECUTORS; i++) {
      outs.add(tmp.resolve("out" + i));
    }
    // The executors start first and wait for the driver, as a fleet's would.
    try (LocalExecutors executors =
        LocalExecutors.start(
            EXECUTORS,
            new Endpoint("127.0.0.1", port),
            SMALL_JVM,
            i -> List.of("--out", outs.get(i - 1).toString()))) {
      int exit =
          SwarmcastCli.run(
              "send",
              "--bind",
              "127.0.0.1:" + port,
              "--executors",
              Integer.toString(EXECUTORS),
              "--wait",
              "60",
              file.toString(),
              second.toString());
      assertThat(exit).as("send's exit status; executor logs in " + executors.logDir()).isZero();
      for (Path out : outs) {
        assertThat(sha256(out.resolve("model.bin"))).isEqualTo(want);
        assertThat(sha256(out.resolve("vocab.txt"))).isEqualTo(sha256(second));
        try (var listing = Files.list(out)) {
          assertThat(
                  listing
                      .map(p -> p.getFileName().toString())
                      .filter(n -> n.contains(".swarmcast-")))
              .as("no temporary names left behind")
              .isEmpty();
        }
      }
      assertThat(executors.firstFailure()).isNull();
    }
  }

  @Test
  void untilSeededReturnsBeforeTheExecutorsAreDoneAndTheyFinishWithoutTheDriver() throws Exception {
    Path file = randomFile(tmp.resolve("data.bin"), 48L << 20);
    int port = freePort();
    Path out1 = tmp.resolve("a");
    Path out2 = tmp.resolve("b");
    try (LocalExecutors executors =
        LocalExecutors.start(
            2,
            new Endpoint("127.0.0.1", port),
            SMALL_JVM,
            i -> List.of("--out", (i == 1 ? out1 : out2).toString()))) {
      int exit =
          SwarmcastCli.run(
              "send",
              "--bind",
              "127.0.0.1:" + port,
              "--executors",
              "2",
              "--until",
              "seeded",
              "--wait",
              "60",
              file.toString());
      assertThat(exit).isZero();
      // The driver is gone now; every piece is on some executor, so both finish from each other.
      String want = sha256(file);
      for (Path out : List.of(out1, out2)) {
        await("the executor wrote " + out.resolve("data.bin") + "; logs in " + executors.logDir())
            .atMost(Duration.ofSeconds(60))
            .until(() -> Files.exists(out.resolve("data.bin")));
        assertThat(sha256(out.resolve("data.bin")))
            .as("logs in " + executors.logDir())
            .isEqualTo(want);
      }
    }
  }

  @Test
  void aMissingFileIsAUsageError() {
    assertThat(
            SwarmcastCli.run(
                "send",
                "--bind",
                "127.0.0.1:0",
                "--executors",
                "1",
                tmp.resolve("missing").toString()))
        .isEqualTo(2);
  }

  private static Path randomFile(Path path, long bytes) throws Exception {
    SplittableRandom random = new SplittableRandom(bytes);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(path)) {
      for (long left = bytes; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(left, chunk.length));
      }
    }
    return path;
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
