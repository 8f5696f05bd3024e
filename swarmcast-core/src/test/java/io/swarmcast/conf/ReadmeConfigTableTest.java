package io.swarmcast.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every configuration key is documented in the README with its actual default. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReadmeConfigTableTest {
  @Test
  void readmeListsEveryKeyWithItsDefault() throws Exception {
    Path readme = Paths.get("..", "README.md");
    assertThat(readme).exists();
    String text = Files.readString(readme);
    for (ConfKey<?> key : SwarmConf.keys()) {
      String shownDefault = key.defaultText().isEmpty() ? "(none)" : "`" + key.defaultText() + "`";
      assertThat(text).as("README row for %s", key.name())
          .contains("| `" + key.name() + "` | " + shownDefault + " |");
    }
  }
}
