package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JavaOptsTest {
  @Test
  void unsetOrEmptyMeansTheWrappersDefaultAsInBash() {
    assertThat(JavaOpts.of(Map.of())).isEqualTo(JavaOpts.DEFAULT);
    assertThat(JavaOpts.of(Map.of(JavaOpts.ENV, "  "))).isEqualTo(JavaOpts.DEFAULT);
  }

  @Test
  void splitsTheVariableIntoWords() {
    assertThat(JavaOpts.of(Map.of(JavaOpts.ENV, " -XX:+UseG1GC  -Xss1m\t-Dx=y ")))
        .containsExactly("-XX:+UseG1GC", "-Xss1m", "-Dx=y");
  }

  @Test
  void theWrapperScriptHasTheSameDefault() throws Exception {
    Path wrapper = Path.of("..", "swarmcast"); // tests run in the module's directory
    assertThat(Files.readString(wrapper))
        .contains(
            "SWARMCAST_JAVA_OPTS=\"${SWARMCAST_JAVA_OPTS:-"
                + String.join(" ", JavaOpts.DEFAULT)
                + "}\"")
        .contains("export SWARMCAST_JAVA_OPTS")
        .contains("exec java $SWARMCAST_JAVA_OPTS -jar")
        .contains("sim_opts=\"-XX:+UseParallelGC -XX:MaxRAMPercentage=60\"") // simulate: C2
        .contains(
            "[ \"$(uname -s)\" = Linux ] && sim_opts=\"$sim_opts -XX:+UseTransparentHugePages\"")
        .contains("exec java ${SWARMCAST_SIM_JAVA_OPTS:-$sim_opts} -jar")
        .contains(
            "files_opts=\"${SWARMCAST_FILES_JAVA_OPTS:-"
                + String.join(" ", JavaOpts.FILES_DEFAULT)
                + "}\"");
    assertThat(JavaOpts.forFiles(Map.of())).isEqualTo(JavaOpts.FILES_DEFAULT);
  }
}
