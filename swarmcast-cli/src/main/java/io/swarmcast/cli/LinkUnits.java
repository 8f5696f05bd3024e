package io.swarmcast.cli;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses the link rate and delay of {@code swarmcast bench} and {@code simulate} in tc's units, and
 * formats rates for the bench's output. Stateless, thread-safe.
 *
 * <p>Rates: a number (decimals allowed) followed by a tc unit: {@code bit kbit mbit gbit tbit}
 * (powers of 1000, so {@code 100mbit} is 100e6 bit/s), {@code kibit mibit gibit tibit} (powers of
 * 1024), or the byte rates {@code bps kbps mbps gbps tbps} (bytes per second, as in tc). A bare
 * number is refused: tc reads it as bytes per second, which nobody means. Delays: a number followed
 * by {@code s}, {@code ms} or {@code us}.
 *
 * <p>{@link RateConverter} and {@link DelayConverter} are the parsers as the options' converters.
 */
public final class LinkUnits {
  private static final Pattern NUMBER_UNIT = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*([a-z]*)");

  private LinkUnits() {}

  /**
   * The rate {@code text} denotes, in bits per second; throws IllegalArgumentException naming it.
   */
  public static long parseRateBits(String text) {
    Matcher m = NUMBER_UNIT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(badRate(text));
    }
    BigDecimal factor =
        switch (m.group(2)) {
          case "bit" -> BigDecimal.ONE;
          case "kbit" -> BigDecimal.valueOf(1_000L);
          case "mbit" -> BigDecimal.valueOf(1_000_000L);
          case "gbit" -> BigDecimal.valueOf(1_000_000_000L);
          case "tbit" -> BigDecimal.valueOf(1_000_000_000_000L);
          case "kibit" -> BigDecimal.valueOf(1L << 10);
          case "mibit" -> BigDecimal.valueOf(1L << 20);
          case "gibit" -> BigDecimal.valueOf(1L << 30);
          case "tibit" -> BigDecimal.valueOf(1L << 40);
          case "bps" -> BigDecimal.valueOf(8L);
          case "kbps" -> BigDecimal.valueOf(8_000L);
          case "mbps" -> BigDecimal.valueOf(8_000_000L);
          case "gbps" -> BigDecimal.valueOf(8_000_000_000L);
          case "tbps" -> BigDecimal.valueOf(8_000_000_000_000L);
          default -> throw new IllegalArgumentException(badRate(text));
        };
    BigDecimal bits = new BigDecimal(m.group(1)).multiply(factor);
    // tc keeps rates in 64 bits of bytes/s; 8 bit/s is the smallest rate HTB can express
    // meaningfully.
    if (bits.compareTo(BigDecimal.valueOf(8)) < 0
        || bits.compareTo(BigDecimal.valueOf(Long.MAX_VALUE / 2)) > 0) {
      throw new IllegalArgumentException("rate '" + text + "' is out of range (8bit .. 4e18bit)");
    }
    return bits.longValue();
  }

  private static String badRate(String text) {
    return "invalid rate '"
        + text
        + "': expected a number and a tc unit such as 500kbit, 100mbit or 1gbit";
  }

  /** The delay {@code text} denotes, in microseconds; throws IllegalArgumentException naming it. */
  public static long parseDelayMicros(String text) {
    Matcher m = NUMBER_UNIT.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(badDelay(text));
    }
    BigDecimal factor =
        switch (m.group(2)) {
          case "s", "sec", "secs" -> BigDecimal.valueOf(1_000_000L);
          case "ms", "msec", "msecs" -> BigDecimal.valueOf(1_000L);
          case "us", "usec", "usecs" -> BigDecimal.ONE;
          default -> throw new IllegalArgumentException(badDelay(text));
        };
    BigDecimal us = new BigDecimal(m.group(1)).multiply(factor);
    if (us.compareTo(BigDecimal.valueOf(60_000_000L)) > 0) {
      throw new IllegalArgumentException("delay '" + text + "' is out of range (at most 60s)");
    }
    return us.longValue();
  }

  private static String badDelay(String text) {
    return "invalid delay '" + text + "': expected a number and a unit such as 500us, 1ms or 0.1s";
  }

  /**
   * Bits per second as megabits, without trailing zeros: 100e6 → {@code 100}, 5e5 → {@code 0.5}.
   */
  public static String mbit(long bitsPerSecond) {
    return plain(BigDecimal.valueOf(bitsPerSecond).movePointLeft(6));
  }

  /** A rate for humans, e.g. {@code 100 Mbit/s} or {@code 1.5 Gbit/s}. */
  public static String humanRate(long bitsPerSecond) {
    if (bitsPerSecond >= 1_000_000_000L) {
      return plain(BigDecimal.valueOf(bitsPerSecond).movePointLeft(9)) + " Gbit/s";
    }
    if (bitsPerSecond >= 1_000_000L) {
      return plain(BigDecimal.valueOf(bitsPerSecond).movePointLeft(6)) + " Mbit/s";
    }
    return plain(BigDecimal.valueOf(bitsPerSecond).movePointLeft(3)) + " kbit/s";
  }

  private static String plain(BigDecimal d) {
    return d.stripTrailingZeros().toPlainString();
  }

  /** {@code --rate}: a malformed value is a usage error (exit 2) naming it. */
  public static final class RateConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parseRateBits(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code --delay}: a malformed value is a usage error (exit 2) naming it. */
  public static final class DelayConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return parseDelayMicros(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
