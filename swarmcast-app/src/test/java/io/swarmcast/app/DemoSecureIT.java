package io.swarmcast.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.JavaOpts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code swarmcast demo --secure} as a user runs it: a fresh secret and self-signed TLS, four
 * executor JVMs that can join only by passing both (the driver accepts nothing else), all verifying
 * the value.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoSecureIT {
  @Test
  void demoSecureVerifiesOnFourExecutorsOverAuthenticatedTls() throws Exception {
    Path jar = Paths.get("target", "swarmcast.jar").toAbsolutePath();
    assertThat(jar).exists();
    Process p =
        new ProcessBuilder(
                JavaOpts.javaBinary(),
                "-jar",
                jar.toString(),
                "demo",
                "--secure",
                "--executors",
                "4",
                "--size",
                "16m",
                "--reps",
                "1",
                "--json")
            .start();
    try {
      CompletableFuture<String> stderr =
          CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String stdout = read(p.getInputStream());
      assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
      String err = stderr.get(10, TimeUnit.SECONDS);
      assertThat(p.exitValue()).as(err).isZero();
      assertThat(err)
          .contains(
              "authenticated (shared secret) and TLS 1.3 with ",
              " (self-signed, fingerprints checked)");
      List<String> lines = stdout.lines().toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("\"executors\":4", "\"allVerified\":true");
      assertThat(lines.get(0).split("\"verified\":true", -1)).hasSize(5);
    } finally {
      p.destroyForcibly();
    }
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
