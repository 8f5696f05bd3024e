package io.swarmcast.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One JSON object on one line, as the CLI prints them ({@code driver --json} rounds, {@code
 * --report-seeded}) and the TCP ceiling's receiver does, and as the bench and the demo read them
 * back. jackson-jr writes and parses them, so a string is always escaped and any valid JSON is
 * read, whatever its spacing or field order. Reading gives typed fields that fail with the field's
 * name and the line. Public and in this package because the CLI writes the lines the bench reads,
 * and the CLI's jar takes only this package from this module. Immutable.
 */
public final class JsonLine {
  /**
   * Nulls stand for unknown figures (docs/cli.md documents them): jackson-jr would otherwise leave
   * them out.
   */
  private static final JSON LINES = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

  private final String line;
  private final Map<String, Object> fields;

  private JsonLine(String line, Map<String, Object> fields) {
    this.line = line;
    this.fields = fields;
  }

  /**
   * {@code fields} as one line of JSON (no newline), in the map's order: a LinkedHashMap keeps the
   * documented order. Values are strings, numbers, booleans, null, lists and maps of them.
   */
  public static String write(Map<String, ?> fields) {
    try {
      return LINES.asString(fields);
    } catch (IOException e) { // no I/O into a String: only a value jackson-jr cannot write
      throw new UncheckedIOException("cannot write as JSON: " + fields, e);
    }
  }

  /**
   * {@code value} with exactly {@code places} decimals, written as such (e.g. 1.5000 for 4), so the
   * lines read as they always did; null for NaN or an infinity, which JSON has no number for.
   */
  public static BigDecimal fixed(double value, int places) {
    return Double.isFinite(value)
        ? new BigDecimal(String.format(Locale.ROOT, "%." + places + "f", value))
        : null;
  }

  /**
   * Parses {@code line} as one JSON object.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static JsonLine parse(String line) {
    try {
      Map<String, Object> fields = LINES.mapFrom(line);
      if (fields == null) {
        throw new IllegalArgumentException("not a JSON object: " + abbreviate(line));
      }
      return new JsonLine(line, fields);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("not a JSON object (" + why + "): " + abbreviate(line), e);
    }
  }

  /**
   * The line as a JSON object, or empty if it is not one: for output where other lines may come
   * between.
   */
  public static Optional<JsonLine> parseIfObject(String line) {
    if (!line.strip().startsWith("{")) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse(line));
    } catch (IllegalArgumentException notJson) {
      return Optional.empty();
    }
  }

  /** True if the object has the field, even as null. */
  public boolean has(String name) {
    return fields.containsKey(name);
  }

  /** A string field. */
  public String text(String name) {
    if (need(name) instanceof String s) {
      return s;
    }
    throw wrong(name, "is not a string");
  }

  /** A whole-number field. */
  public long whole(String name) {
    Object v = need(name);
    if (v instanceof Integer
        || v instanceof Long
        || v instanceof BigInteger b && b.bitLength() < Long.SIZE) {
      return ((Number) v).longValue();
    }
    throw wrong(name, "holds a malformed number: not a whole one within 64 bits");
  }

  /** A whole-number field that must fit an int. */
  public int wholeInt(String name) {
    long v = whole(name);
    if (v != (int) v) {
      throw wrong(name, "holds a malformed number: beyond an int");
    }
    return (int) v;
  }

  /** A number field. */
  public double number(String name) {
    if (need(name) instanceof Number n) {
      return n.doubleValue();
    }
    throw wrong(name, "holds a malformed number");
  }

  /**
   * A number field that may be null or absent (a figure the writer did not know, or an older
   * writer): NaN then.
   */
  public double numberOrNaN(String name) {
    return fields.get(name) == null ? Double.NaN : number(name);
  }

  /** A true/false field. */
  public boolean flag(String name) {
    if (need(name) instanceof Boolean b) {
      return b;
    }
    throw wrong(name, "is not true or false");
  }

  private Object need(String name) {
    if (!fields.containsKey(name)) {
      throw new IllegalArgumentException("no field '" + name + "' in: " + abbreviate(line));
    }
    Object v = fields.get(name);
    if (v == null) {
      throw wrong(name, "is null");
    }
    return v;
  }

  private IllegalArgumentException wrong(String name, String what) {
    return new IllegalArgumentException(
        "field '" + name + "' " + what + " (" + fields.get(name) + ") in: " + abbreviate(line));
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
