package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library example end to end, as docs/library.md describes it: a driver JVM and two executor
 * JVMs on 127.0.0.1; each executor reads the whole table through {@code value()}, and the driver
 * destroys it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LookupExampleIT {
  @TempDir Path dir;

  @Test
  void aDriverAndTwoExecutorsShareTheTable() throws Exception {
    String port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = Integer.toString(probe.getLocalPort());
    }
    List<Process> processes = new ArrayList<>();
    try {
      // Executors first: they keep trying to join until the driver is up.
      for (int id = 1; id <= 2; id++) {
        processes.add(
            start(
                LookupExecutor.class,
                "executor-" + id,
                "127.0.0.1",
                port,
                dir.toString(),
                Integer.toString(id)));
      }
      Process driver = start(LookupDriver.class, "driver", "127.0.0.1", port, dir.toString(), "2");
      processes.add(driver);

      for (Process p : processes) {
        assertThat(p.waitFor(100, TimeUnit.SECONDS)).as("exited in time").isTrue();
      }
      for (Process p : processes) {
        assertThat(p.exitValue()).as("exit status; logs in %s", dir).isZero();
      }
      assertThat(Files.readAllLines(dir.resolve("driver.out")))
          .containsExactly(
              "executor 1: 200000 entries, sku-42 is product #42",
              "executor 2: 200000 entries, sku-42 is product #42",
              "driver: destroyed Broadcast(0)");
    } finally {
      processes.forEach(Process::destroyForcibly);
    }
  }

  /**
   * {@code main} of {@code mainClass} in its own JVM with this test's class path; output to
   * NAME.out and NAME.err.
   */
  private Process start(Class<?> mainClass, String name, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                absolute(System.getProperty("java.class.path")),
                mainClass.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .start();
  }

  private static String absolute(String classPath) {
    List<String> entries = new ArrayList<>();
    for (String e : classPath.split(File.pathSeparator)) {
      entries.add(Path.of(e).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, entries);
  }
}
