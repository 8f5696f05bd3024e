package io.swarmcast.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fetch scheduler and its strategies must stay usable outside a real node (by a simulation of
 * thousands of nodes in one JVM): no Netty, no transport, protocol, storage or node types.
 */
@Timeout(10)
class SwarmPackageIndependenceTest {
  private static final List<String> FORBIDDEN =
      List.of(
          "io.netty.",
          "io.swarmcast.transport.",
          "io.swarmcast.protocol.",
          "io.swarmcast.storage.",
          "io.swarmcast.node.",
          "io.swarmcast.broadcast.",
          "io.swarmcast.tracker.");

  @Test
  void theSwarmPackageImportsNoIoOrNodeTypes() throws IOException {
    Path dir = Path.of("src/main/java/io/swarmcast/swarm");
    assertThat(dir).isDirectory();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertThat(sources).isNotEmpty();
      for (Path f : sources) {
        // Code only: Javadoc may name the adapter that connects the scheduler to a node.
        String text =
            Files.readAllLines(f).stream()
                .map(String::strip)
                .filter(l -> !l.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//"))
                .collect(Collectors.joining("\n"));
        for (String pkg : FORBIDDEN) {
          assertThat(text).as("%s refers to %s", f.getFileName(), pkg).doesNotContain(pkg);
        }
      }
    }
  }
}
