package io.swarmcast.conf;

import java.util.Locale;

/**
 * Parses and formats byte sizes such as {@code 4m}, {@code 512k}, {@code 1g} or {@code 1048576}.
 *
 * <p>Suffixes are binary (k = 1024) and case-insensitive; an optional trailing {@code b} or {@code
 * ib} is accepted ({@code 64mb}, {@code 64MiB}). Thread-safe: stateless.
 */
public final class ByteSize {
  private ByteSize() {}

  /**
   * Returns the number of bytes {@code text} denotes, or throws a {@link ConfigException} naming
   * it.
   */
  public static long parse(String text) {
    if (text == null) {
      throw new ConfigException("size is missing");
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty()) {
      throw new ConfigException(
          "malformed size '" + text + "': expected a number with an optional k, m, g or t suffix");
    }
    long multiplier = 1;
    char last = s.charAt(s.length() - 1);
    switch (last) {
      case 'k' -> multiplier = 1L << 10;
      case 'm' -> multiplier = 1L << 20;
      case 'g' -> multiplier = 1L << 30;
      case 't' -> multiplier = 1L << 40;
      default -> {}
    }
    String digits = multiplier == 1 ? s : s.substring(0, s.length() - 1);
    if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
      throw new ConfigException(
          "malformed size '" + text + "': expected a number with an optional k, m, g or t suffix");
    }
    try {
      return Math.multiplyExact(Long.parseLong(digits), multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException("size '" + text + "' is too large");
    }
  }

  /**
   * Formats {@code bytes} with the largest binary unit that keeps one decimal, e.g. {@code 64.0
   * MiB}.
   */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    // 1023.95 KiB and up prints as 1024.0 KiB at one decimal: step up a unit there instead.
    while (v >= 1023.95 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
