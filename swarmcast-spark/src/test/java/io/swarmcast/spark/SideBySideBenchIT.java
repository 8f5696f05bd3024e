package io.swarmcast.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SideBySideBench} under spark-submit on {@code local-cluster[2,1,1024]}, as {@code
 * swarmcast bench --spark} submits it: the {@code -bench} jar as the application, the plugin
 * reaching the executors through {@code --jars} alone, as on a real cluster: both factories deliver
 * the same bytes to both executors, and Swarmcast's driver sends one copy. Timings on loopback are
 * not asserted.
 */
class SideBySideBenchIT {
  private static final int SIZE = 8 << 20;

  @Test
  @Timeout(200)
  void bothFactoriesReachEveryExecutorInOneApplication() throws Exception {
    Path dir = Files.createDirectories(SparkJvm.workDir().resolve("side-by-side"));
    Path out = dir.resolve("results.jsonl");
    Path log = dir.resolve("spark-submit.log");
    Files.deleteIfExists(out);

    int exit =
        SparkJvm.submit(
            log,
            Duration.ofSeconds(180),
            List.of(
                "--master",
                "local-cluster[2,1,1024]",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executor.memory=512m",
                "--conf",
                "spark.executor.extraJavaOptions=" + SparkJvm.executorJavaOptions(),
                "--conf",
                "spark.plugins=io.swarmcast.spark.SwarmcastPlugin",
                "--jars",
                SparkJvm.shadedJar().toString(),
                "--class",
                SideBySideBench.class.getName(),
                SparkJvm.benchJar().toString(),
                "--executors",
                "2",
                "--size",
                Integer.toString(SIZE),
                "--reps",
                "2",
                "--out",
                out.toString()));

    assertThat(exit).as("spark-submit exit status; log:\n%s", SparkJvm.tail(log, 60)).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(4);
    // Alternating order: rep 1 starts with Spark, rep 2 with Swarmcast.
    assertThat(lines.get(0)).contains("\"factory\":\"spark-torrent\"", "\"rep\":1");
    assertThat(lines.get(1)).contains("\"factory\":\"swarmcast\"", "\"rep\":1");
    assertThat(lines.get(2)).contains("\"factory\":\"swarmcast\"", "\"rep\":2");
    assertThat(lines)
        .allSatisfy(l -> assertThat(l).contains("\"allVerified\":true", "\"executors\":2"));
    for (String l : lines.stream().filter(l -> l.contains("\"swarmcast\"")).toList()) {
      long driverSent = Long.parseLong(l.replaceAll(".*\"driverBytesSent\":(\\d+).*", "$1"));
      assertThat(driverSent).as(l).isBetween((long) SIZE, SIZE + SIZE / 4L);
    }
  }
}
