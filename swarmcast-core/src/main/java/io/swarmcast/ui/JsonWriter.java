package io.swarmcast.ui;

/**
 * Writes JSON for the swarm page and {@code swarmcast status}: objects, arrays, strings (escaped
 * per RFC 8259), integers and booleans, nothing else. The core keeps no JSON library for the few
 * shapes it emits; the CLI reads them with one. Commas are placed by the writer, so callers only
 * open, write and close. Not thread-safe.
 */
public final class JsonWriter {
  private final StringBuilder out = new StringBuilder(4096);

  /** Whether the next value in the current container needs a comma before it. */
  private boolean comma;

  public JsonWriter beginObject() {
    separate();
    out.append('{');
    comma = false;
    return this;
  }

  public JsonWriter endObject() {
    out.append('}');
    comma = true;
    return this;
  }

  public JsonWriter beginArray() {
    separate();
    out.append('[');
    comma = false;
    return this;
  }

  public JsonWriter endArray() {
    out.append(']');
    comma = true;
    return this;
  }

  /** A member's name; its value follows. */
  public JsonWriter name(String name) {
    separate();
    string(name);
    out.append(':');
    comma = false;
    return this;
  }

  public JsonWriter value(String s) {
    separate();
    string(s);
    comma = true;
    return this;
  }

  public JsonWriter value(long v) {
    separate();
    out.append(v);
    comma = true;
    return this;
  }

  public JsonWriter value(boolean v) {
    separate();
    out.append(v);
    comma = true;
    return this;
  }

  /**
   * A number with up to three decimals; not finite numbers are written as null, which JSON
   * requires.
   */
  public JsonWriter value(double v) {
    separate();
    if (Double.isFinite(v)) {
      out.append(Math.round(v * 1000) / 1000.0);
    } else {
      out.append("null");
    }
    comma = true;
    return this;
  }

  private void separate() {
    if (comma) {
      out.append(',');
    }
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
