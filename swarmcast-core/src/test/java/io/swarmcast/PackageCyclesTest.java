package io.swarmcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No two packages of swarmcast-core depend on each other, directly or around a loop: the layers
 * stay layers (protocol and conf at the bottom, transport, storage, tracker and swarm above them,
 * node, then broadcast). Dependencies are read from the main sources: every {@code
 * io.swarmcast.x.Type} named in code (imports and fully qualified names; comments are stripped
 * first). A package's {@code internal} subpackage counts as the package itself: it is the half of
 * the package that the module does not export (see module-info.java), reached from the exported
 * half by design.
 */
@Timeout(30)
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/swarmcast");
  private static final Pattern REFERENCE =
      Pattern.compile("\\bio\\.swarmcast\\.([a-z]\\w*(?:\\.[a-z]\\w*)*)\\.[A-Z]");
  private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

  /** Package → the other packages of this module its sources name. */
  static Map<String, Set<String>> packageGraph(Path root) throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String pkg = layer(root.relativize(file.getParent()).toString().replace('/', '.'));
        Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
        Matcher m = REFERENCE.matcher(COMMENTS.matcher(Files.readString(file)).replaceAll(""));
        while (m.find()) {
          String used = layer(m.group(1));
          if (!used.equals(pkg)) {
            uses.add(used);
          }
        }
      }
    }
    return graph;
  }

  /** The package a package belongs to for layering: {@code x.internal} is {@code x}. */
  static String layer(String pkg) {
    return pkg.endsWith(".internal") ? pkg.substring(0, pkg.length() - ".internal".length()) : pkg;
  }

  /**
   * One cycle in {@code graph} as the list of packages around it, or an empty list if there is
   * none.
   */
  static List<String> findCycle(Map<String, Set<String>> graph) {
    Map<String, Integer> state = new TreeMap<>(); // absent: unseen, 1: on the path, 2: done
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      if (visit(start, graph, state, path)) {
        return path;
      }
    }
    return List.of();
  }

  private static boolean visit(
      String pkg, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
    Integer s = state.get(pkg);
    if (s != null && s == 2) {
      return false;
    }
    path.add(pkg);
    if (s != null) { // on the path: the cycle is from its first occurrence to here
      path.subList(0, path.indexOf(pkg)).clear();
      return true;
    }
    state.put(pkg, 1);
    for (String next : graph.getOrDefault(pkg, Set.of())) {
      if (visit(next, graph, state, path)) {
        return true;
      }
    }
    state.put(pkg, 2);
    path.remove(path.size() - 1);
    return false;
  }

  @Test
  void theMainPackagesFormNoCycle() throws IOException {
    Map<String, Set<String>> graph = packageGraph(SOURCES);
    assertThat(graph)
        .as("packages found under %s", SOURCES.toAbsolutePath())
        .containsKeys("node", "broadcast", "transport");
    assertThat(findCycle(graph)).as("a package cycle in %s", graph).isEmpty();
  }

  @Test
  void theCycleFinderFindsACycle() {
    Map<String, Set<String>> graph =
        new TreeMap<>(
            Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a")));
    assertThat(findCycle(graph)).containsExactly("a", "b", "c", "a");
    assertThat(findCycle(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
  }
}
