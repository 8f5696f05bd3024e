package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonLinesTailTest {
  @TempDir Path dir;

  private static void append(Path file, String text) throws Exception {
    Files.write(
        file,
        text.getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Test
  void parsesEachCompleteLineOnceAsTheFileGrows() throws Exception {
    Path file = dir.resolve("driver.jsonl");
    List<String> parsed = new ArrayList<>();
    JsonLinesTail<String> tail =
        new JsonLinesTail<>(
            file,
            line -> {
              parsed.add(line);
              return line;
            });
    assertThat(tail.poll()).as("no file yet").isEmpty();

    append(file, "{\"rep\":1}\n{\"rep\":");
    assertThat(tail.poll()).containsExactly("{\"rep\":1}");
    assertThat(tail.poll()).as("the half-written line waits").containsExactly("{\"rep\":1}");

    // The rest of line 2, split inside a two-byte character, a line that is not JSON, and line 3.
    byte[] rest = "2,\"host\":\"é\"}\nnot json\n{\"rep\":3}\n".getBytes(StandardCharsets.UTF_8);
    int split = "2,\"host\":\"".length() + 1; // after the first byte of é
    Files.write(file, Arrays.copyOf(rest, split), StandardOpenOption.APPEND);
    assertThat(tail.poll()).hasSize(1);
    Files.write(file, Arrays.copyOfRange(rest, split, rest.length), StandardOpenOption.APPEND);

    assertThat(tail.poll())
        .containsExactly("{\"rep\":1}", "{\"rep\":2,\"host\":\"é\"}", "{\"rep\":3}");
    assertThat(parsed).as("each line parsed once").hasSize(3);

    Files.writeString(file, "{\"rep\":9}\n"); // rewritten, shorter: read again from the start
    assertThat(tail.poll()).containsExactly("{\"rep\":9}");
  }

  @Test
  void aLineTheParserRejectsIsNotSkippedByTheNextPoll() throws Exception {
    Path file = dir.resolve("driver.jsonl");
    JsonLinesTail<Integer> tail =
        new JsonLinesTail<>(
            file,
            line -> {
              if (line.contains("bad")) {
                throw new IllegalArgumentException("not a row: " + line);
              }
              return line.length();
            });
    append(file, "{}\n{bad}\n{}\n");
    Assertions.assertThatThrownBy(tail::poll).hasMessageContaining("{bad}");
    Assertions.assertThatThrownBy(tail::poll)
        .as("the same line again")
        .hasMessageContaining("{bad}");
  }
}
