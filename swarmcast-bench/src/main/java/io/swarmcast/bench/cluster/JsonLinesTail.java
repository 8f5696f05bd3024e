package io.swarmcast.bench.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Follows a file of JSON lines that another process appends to: each {@link #poll} reads only the
 * bytes added since the last one and parses the lines they complete (a line still being written
 * waits for its newline). Why: the bench polls the driver's output every 200 ms while the driver
 * runs, and re-reading the whole file each time grew with the run — at 500 rows of 1 KiB broadcasts
 * the bench's own parsing and JIT took ~10 % of the two cores, beside the JVMs it was measuring.
 * Not thread-safe.
 */
final class JsonLinesTail<T> {
  private final Path file;
  private final Function<String, T> parser;
  private final List<T> rows = new ArrayList<>();

  /** Bytes of complete lines consumed so far. */
  private long offset;

  JsonLinesTail(Path file, Function<String, T> parser) {
    this.file = file;
    this.parser = parser;
  }

  /** Every row parsed so far, in file order, including those completed since the last call. */
  List<T> poll() throws IOException {
    byte[] added;
    int length;
    try (SeekableByteChannel in = Files.newByteChannel(file)) {
      long size = in.size();
      if (size < offset) { // rewritten from the start: read it again
        offset = 0;
        rows.clear();
      }
      if (size == offset) {
        return List.copyOf(rows);
      }
      ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - offset));
      in.position(offset);
      while (buf.hasRemaining() && in.read(buf) > 0) {
        // read what is there now
      }
      added = buf.array();
      length = buf.position();
    } catch (NoSuchFileException e) {
      return List.copyOf(rows);
    }
    // A newline byte never occurs inside a UTF-8 sequence. Each line counts as read once it is
    // parsed, so a line the parser rejects is met again by the next poll, not skipped.
    int start = 0;
    for (int nl = indexOf(added, start, length); nl >= 0; nl = indexOf(added, start, length)) {
      String line = new String(added, start, nl - start, StandardCharsets.UTF_8);
      if (line.strip().startsWith("{")) {
        rows.add(parser.apply(line));
      }
      offset += nl + 1 - start;
      start = nl + 1;
    }
    return List.copyOf(rows);
  }

  private static int indexOf(byte[] bytes, int from, int end) {
    for (int i = from; i < end; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
