package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ExecutorReportTest {
  @TempDir Path dir;

  @Test
  void reportsRoundTripThroughTheFileAndALineBeingWrittenIsSkipped() throws Exception {
    Path file = dir.resolve("executor-1.results");
    assertThat(ExecutorReport.readAll(file)).as("no file yet").isEmpty();
    ExecutorReport ok =
        new ExecutorReport(
            3,
            2,
            1_500_000_000L,
            1_700_000_000_000L,
            new ReadTask.Result(true, 100, 5, 4 << 20, 60 << 20, 200 << 20, 0, ""));
    ExecutorReport failed =
        new ExecutorReport(
            4,
            2,
            -1,
            1_700_000_000_123L,
            new ReadTask.Result(
                false, 0, 0, 0, 0, 0, 1, "piece 3 is held by nobody reachable: \"x\"\nsee log"));
    ok.appendTo(file);
    failed.appendTo(file);
    Files.writeString(file, "5 2 7 8 AAE", StandardOpenOption.APPEND); // no newline yet

    assertThat(ExecutorReport.readAll(file)).containsExactly(ok, failed);
  }

  @Test
  void aMalformedLineIsAnIOExceptionQuotingIt() throws IOException {
    Path file = dir.resolve("bad.results");
    Files.writeString(file, "1 2 three 4 AA==\n");
    assertThatThrownBy(() -> ExecutorReport.readAll(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'1 2 three 4 AA=='");
    assertThatThrownBy(() -> ExecutorReport.parse("1 2"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("'1 2'");
  }
}
