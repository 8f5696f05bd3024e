package io.swarmcast.conf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code docs/configuration.md}, generated from {@link SwarmConf#keys()}: the keys' own names,
 * defaults and documentation, grouped by what they configure, so the reference cannot drift from
 * the code ({@code ConfigurationReferenceTest} fails when the file differs, and rewrites it with
 * {@code -Dswarmcast.writeDocs=true}).
 */
public final class ConfigurationReference {
  /**
   * Section titles by key prefix, in the order they appear; a key goes under the longest prefix it
   * has.
   */
  private static final Map<String, String> SECTIONS = new LinkedHashMap<>();

  static {
    SECTIONS.put("swarmcast.broadcast.", "Broadcasts");
    SECTIONS.put("swarmcast.storage.", "Storage");
    SECTIONS.put("swarmcast.file.", "File broadcasts");
    SECTIONS.put("swarmcast.node.", "Node start-up");
    SECTIONS.put("swarmcast.serializer", "Serialization");
    SECTIONS.put("swarmcast.driver.", "Driver");
    SECTIONS.put("swarmcast.executor.", "Executors");
    SECTIONS.put("swarmcast.fetch.", "Fetching");
    SECTIONS.put("swarmcast.tracker.", "Tracker");
    SECTIONS.put("swarmcast.upload.", "Uploads");
    SECTIONS.put("swarmcast.network.", "Network");
    SECTIONS.put("swarmcast.auth", "Authentication");
    SECTIONS.put("swarmcast.tls.", "TLS");
    SECTIONS.put("swarmcast.ui.", "Metrics and the swarm page");
    SECTIONS.put("swarmcast.metrics.", "Metrics and the swarm page");
    SECTIONS.put("swarmcast.cleaner.", "Automatic cleanup");
  }

  private ConfigurationReference() {}

  /** The whole file. */
  public static String markdown() {
    StringBuilder out =
        new StringBuilder(
            """
        # Configuration

        <!-- Generated from SwarmConf.keys() by io.swarmcast.conf.ConfigurationReference; do not edit by hand.
             After changing a key: mvn -B -pl swarmcast-core test -Dtest=ConfigurationReferenceTest -Dswarmcast.writeDocs=true -->

        Every key goes into a `SwarmConf` (`conf.set(SwarmConf.BLOCK_SIZE, "1m")`, or by name); the command line takes
        `--conf KEY=VALUE`, Spark `spark.KEY` (e.g. `spark.swarmcast.broadcast.blockSize`). Sizes take `k`, `m`, `g`
        suffixes (binary); durations need a unit, `ms`, `s`, `m` or `h` (a bare `30` is an error, not 30 ms). Every value
        is checked when it is set, and a bad one is named in the error; an unknown key is an error that lists the known ones.
        """);
    Map<String, StringBuilder> sections = new LinkedHashMap<>();
    for (String title : SECTIONS.values()) {
      sections.putIfAbsent(title, new StringBuilder());
    }
    StringBuilder other = new StringBuilder();
    for (ConfKey<?> key : SwarmConf.keys()) {
      String title = section(key.name());
      StringBuilder rows = title == null ? other : sections.get(title);
      String shown =
          key.defaultText().isEmpty()
              ? "(none)"
              : "`" + key.defaultText().replace("|", "\\|") + "`";
      rows.append("| `")
          .append(key.name())
          .append("` | ")
          .append(shown)
          .append(" | ")
          .append(key.doc().replace("|", "\\|").replace("\n", " "))
          .append(" |\n");
    }
    sections.put("Other", other);
    sections.forEach(
        (title, rows) -> {
          if (rows.length() > 0) {
            out.append("\n## ")
                .append(title)
                .append("\n\n| Key | Default | Meaning |\n|---|---|---|\n")
                .append(rows);
          }
        });
    return out.toString();
  }

  private static String section(String name) {
    String best = null;
    for (String prefix : SECTIONS.keySet()) {
      if (name.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best == null ? null : SECTIONS.get(best);
  }
}
