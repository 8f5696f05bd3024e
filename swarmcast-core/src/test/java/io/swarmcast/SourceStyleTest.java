package io.swarmcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Code names types by their simple names and imports them: no inline fully qualified names such as
 * {@code java.util.List<String>} or {@code new io.swarmcast.storage.PieceMemory(...)} in the
 * sources of any module. Comments, string literals and package and import lines do not count. Where
 * two types of one simple name meet in one file, the one that stays qualified carries a trailing
 * {@code // fqn-ok} on its line.
 */
@Timeout(60)
class SourceStyleTest {
  private static final Pattern QUALIFIED =
      Pattern.compile(
          "(?<![\\w.])(?:java|javax|io\\.netty|io\\.swarmcast|org|com)\\.[a-z0-9_.]*\\.[A-Z]\\w*");
  private static final String MARKER = "// fqn-ok";

  @Test
  void noInlineFullyQualifiedNames() throws IOException {
    Path root = repositoryRoot();
    List<Path> sources = javaSources(root);
    assertThat(sources).hasSizeGreaterThan(100);
    List<String> found = new ArrayList<>();
    for (Path file : sources) {
      found.addAll(qualifiedNames(root.relativize(file).toString(), Files.readAllLines(file)));
    }
    assertThat(found)
        .as("inline fully qualified names: import them (or end the line with %s)", MARKER)
        .isEmpty();
  }

  @Test
  void findsWhatItShouldAndNothingElse() {
    List<String> lines =
        List.of(
            "package io.swarmcast.x;",
            "import java.util.List;",
            "class A {",
            "  java.util.List<String> a = new java.util.ArrayList<>();",
            "  String s = \"java.util.List\"; // java.util.List",
            "  /* java.util.List",
            "     io.swarmcast.storage.PieceMemory */ char c = '\"'; Object m;",
            "  String t = \"\"\"",
            "      java.util.Map",
            "      \"\"\";",
            "  int n = java.util.Map.of().size(); " + MARKER,
            "  Object o = io.netty.buffer.Unpooled.EMPTY_BUFFER;",
            "}");
    assertThat(qualifiedNames("A.java", lines))
        .containsExactly(
            "A.java:4: java.util.List",
            "A.java:4: java.util.ArrayList",
            "A.java:12: io.netty.buffer.Unpooled");
  }

  /** file:line: name for every inline qualified name in {@code lines}, outside the exceptions. */
  static List<String> qualifiedNames(String file, List<String> lines) {
    List<String> found = new ArrayList<>();
    State state = new State();
    for (int i = 0; i < lines.size(); i++) {
      String raw = lines.get(i);
      String code = state.strip(raw).trim();
      if (raw.contains(MARKER) || code.startsWith("package ") || code.startsWith("import ")) {
        continue;
      }
      Matcher m = QUALIFIED.matcher(code);
      while (m.find()) {
        found.add(file + ":" + (i + 1) + ": " + m.group());
      }
    }
    return found;
  }

  /** Where a line starts: in code, in a block comment, or in a text block. */
  private static final class State {
    private boolean inComment;
    private boolean inTextBlock;

    /** {@code line} with comments and string and char literals blanked out. */
    String strip(String line) {
      StringBuilder out = new StringBuilder(line.length());
      int i = 0;
      while (i < line.length()) {
        if (inComment) {
          int end = line.indexOf("*/", i);
          if (end < 0) {
            break;
          }
          inComment = false;
          i = end + 2;
          out.append(' ');
        } else if (inTextBlock) {
          int end = line.indexOf("\"\"\"", i);
          if (end < 0) {
            break;
          }
          inTextBlock = false;
          i = end + 3;
          out.append(' ');
        } else if (line.startsWith("//", i)) {
          break;
        } else if (line.startsWith("/*", i)) {
          inComment = true;
          i += 2;
        } else if (line.startsWith("\"\"\"", i)) {
          inTextBlock = true;
          i += 3;
        } else if (line.charAt(i) == '"' || line.charAt(i) == '\'') {
          char quote = line.charAt(i++);
          while (i < line.length() && line.charAt(i) != quote) {
            i += line.charAt(i) == '\\' ? 2 : 1;
          }
          i++;
          out.append(' ');
        } else {
          out.append(line.charAt(i++));
        }
      }
      return out.toString();
    }
  }

  /** The directory above the working directory that holds the parent pom and swarmcast-core. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("swarmcast-core"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  /** Every .java file in a src/main/java or src/test/java tree under {@code root}. */
  static List<Path> javaSources(Path root) throws IOException {
    List<Path> sources = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            boolean skip =
                !dir.equals(root)
                    && (name.startsWith(".")
                        || name.equals("target")
                        || name.equals("node_modules"));
            return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String path = root.relativize(file).toString().replace('\\', '/');
            if (path.endsWith(".java")
                && (path.contains("src/main/java/") || path.contains("src/test/java/"))) {
              sources.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    sources.sort(null);
    return sources;
  }
}
