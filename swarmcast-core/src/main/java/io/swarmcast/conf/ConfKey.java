package io.swarmcast.conf;

import java.io.ObjectInputFilter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A typed configuration key: its name, default, parser, validity check and one line of
 * documentation.
 *
 * <p>Keys are declared once, in {@link SwarmConf}, and registered in {@link SwarmConf#keys()};
 * {@code docs/configuration.md} is generated from them ({@link ConfigurationReference}), and tests
 * fail if a key is not registered or the file is out of date. Immutable.
 *
 * @param <T> the type a value parses to
 */
public final class ConfKey<T> {
  private final String name;
  private final String defaultText;
  private final Function<String, T> parser;
  private final Predicate<T> valid;
  private final String constraint;
  private final String doc;

  private ConfKey(
      String name,
      String defaultText,
      Function<String, T> parser,
      Predicate<T> valid,
      String constraint,
      String doc) {
    this.name = Objects.requireNonNull(name);
    this.defaultText = Objects.requireNonNull(defaultText);
    this.parser = parser;
    this.valid = valid;
    this.constraint = constraint;
    this.doc = doc;
  }

  static ConfKey<String> string(String name, String def, String doc) {
    return new ConfKey<>(name, def, s -> s, s -> true, "", doc);
  }

  /** One of {@code allowed} (case-insensitive; read back in lower case). */
  static ConfKey<String> choice(String name, String def, List<String> allowed, String doc) {
    return new ConfKey<>(
        name,
        def,
        s -> {
          String v = s.trim().toLowerCase(Locale.ROOT);
          if (!allowed.contains(v)) {
            throw new ConfigException(
                name + ": '" + s + "' is not one of " + String.join(", ", allowed));
          }
          return v;
        },
        v -> true,
        "",
        doc);
  }

  /**
   * One of {@code shortNames}, or a fully qualified Java class name (whether the class exists and
   * fits is checked where it is loaded, which the configuration cannot do).
   */
  static ConfKey<String> shortNameOrClass(
      String name, String def, List<String> shortNames, String doc) {
    return new ConfKey<>(
        name,
        def,
        s -> {
          String v = s.trim();
          if (shortNames.contains(v.toLowerCase(Locale.ROOT))) {
            return v.toLowerCase(Locale.ROOT);
          }
          if (!QUALIFIED_CLASS_NAME.matcher(v).matches()) {
            throw new ConfigException(
                name
                    + ": '"
                    + s
                    + "' is neither "
                    + String.join(" nor ", shortNames)
                    + " nor a fully qualified class name");
          }
          return v;
        },
        v -> true,
        "",
        doc);
  }

  private static final Pattern QUALIFIED_CLASS_NAME =
      Pattern.compile(
          "(\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*\\.)+\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*");

  /**
   * A filter pattern in the JDK's {@link java.io.ObjectInputFilter} syntax, checked by compiling
   * it.
   */
  static ConfKey<String> javaFilter(String name, String def, String doc) {
    return new ConfKey<>(
        name,
        def,
        s -> {
          try {
            ObjectInputFilter.Config.createFilter(s);
            return s;
          } catch (IllegalArgumentException e) {
            throw new ConfigException(
                name + ": '" + s + "' is not a filter pattern: " + e.getMessage());
          }
        },
        v -> true,
        "",
        doc);
  }

  static ConfKey<Integer> integer(String name, int def, int min, int max, String doc) {
    return new ConfKey<>(
        name,
        Integer.toString(def),
        s -> {
          try {
            return Integer.parseInt(s.trim());
          } catch (NumberFormatException e) {
            throw new ConfigException(name + ": '" + s + "' is not an integer");
          }
        },
        v -> v >= min && v <= max,
        "between " + min + " and " + max,
        doc);
  }

  static ConfKey<Long> bytes(String name, String def, long min, long max, String doc) {
    return new ConfKey<>(
        name,
        def,
        s -> {
          try {
            return ByteSize.parse(s);
          } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage());
          }
        },
        v -> v >= min && v <= max,
        "between " + ByteSize.format(min) + " and " + ByteSize.format(max),
        doc);
  }

  /**
   * A byte size, or {@code auto} (read back as an empty value) for one the node works out itself,
   * from the machine it runs on.
   */
  static ConfKey<OptionalLong> bytesOrAuto(String name, long min, long max, String doc) {
    return new ConfKey<>(
        name,
        "auto",
        s -> {
          if (s.trim().equalsIgnoreCase("auto")) {
            return OptionalLong.empty();
          }
          try {
            return OptionalLong.of(ByteSize.parse(s));
          } catch (ConfigException e) {
            throw new ConfigException(name + ": " + e.getMessage() + " (or auto)");
          }
        },
        v -> v.isEmpty() || (v.getAsLong() >= min && v.getAsLong() <= max),
        "auto, or between " + ByteSize.format(min) + " and " + ByteSize.format(max),
        doc);
  }

  static ConfKey<Duration> duration(String name, String def, String doc) {
    return new ConfKey<>(
        name,
        def,
        s -> parseDuration(name, s),
        d -> !d.isNegative() && !d.isZero(),
        "positive",
        doc);
  }

  /**
   * A positive duration, or {@code forever} (a duration of {@link
   * java.time.temporal.ChronoUnit#FOREVER}).
   */
  static ConfKey<Duration> durationOrForever(String name, String def, String doc) {
    return new ConfKey<>(
        name,
        def,
        s ->
            s.trim().equalsIgnoreCase("forever")
                ? ChronoUnit.FOREVER.getDuration()
                : parseDuration(name, s),
        d -> !d.isNegative() && !d.isZero(),
        "positive, or forever",
        doc);
  }

  static ConfKey<Boolean> bool(String name, boolean def, String doc) {
    return new ConfKey<>(
        name,
        Boolean.toString(def),
        s ->
            switch (s.trim().toLowerCase(Locale.ROOT)) {
              case "true", "yes", "1" -> true;
              case "false", "no", "0" -> false;
              default ->
                  throw new ConfigException(
                      name + ": '" + s + "' is not a boolean (true or false)");
            },
        v -> true,
        "",
        doc);
  }

  private static Duration parseDuration(String name, String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      } else if (t.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
      } else if (t.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      Long.parseLong(t);
      // A bare number was read as milliseconds, so "30" meant 30 ms where a user meant 30 s: say
      // which.
      throw new ConfigException(
          name
              + ": '"
              + s
              + "' has no unit; write "
              + t
              + "ms, "
              + t
              + "s, "
              + t
              + "m or "
              + t
              + "h");
    } catch (NumberFormatException e) {
      throw new ConfigException(name + ": '" + s + "' is not a duration (e.g. 500ms, 30s, 2m, 1h)");
    }
  }

  /** Parses and validates {@code text} as a value of this key. */
  public T parse(String text) {
    T value = parser.apply(text);
    if (!valid.test(value)) {
      throw new ConfigException(name + ": '" + text + "' is out of range (" + constraint + ")");
    }
    return value;
  }

  public String name() {
    return name;
  }

  public String defaultText() {
    return defaultText;
  }

  public T defaultValue() {
    return parse(defaultText);
  }

  public String doc() {
    return doc;
  }

  @Override
  public String toString() {
    return name;
  }
}
