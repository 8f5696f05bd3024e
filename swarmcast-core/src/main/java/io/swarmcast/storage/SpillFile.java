package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The pieces of one ordinary broadcast that did not fit in a node's memory budget ({@code
 * swarmcast.storage.memoryBytes}), appended to one file in the order they came, with an index of
 * where each one is. Unlike a {@link PieceFile} it needs no layout up front: a value's pieces may
 * differ in size, and only some of them spill. Deleted on {@link #close}. Thread-safe.
 */
final class SpillFile {
  private final long broadcastId;
  private final Path path;
  private final FileChannel channel;

  /** Offset and length of each piece held; guarded by this. */
  private final Map<Integer, long[]> index = new HashMap<>();

  private long end;
  private long bytesHeld;
  private boolean closed;

  private SpillFile(long broadcastId, Path path, FileChannel channel) {
    this.broadcastId = broadcastId;
    this.path = path;
    this.channel = channel;
  }

  /** Creates the file, and its directory, for the broadcast's spilled pieces. */
  static SpillFile create(long broadcastId, Path dir) {
    Path path = dir.resolve(broadcastId + ".spill");
    try {
      Files.createDirectories(dir);
      return new SpillFile(
          broadcastId,
          path,
          FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot spill pieces of Broadcast("
              + broadcastId
              + ") to "
              + path
              + " (swarmcast.storage.dir): "
              + (e.getMessage() != null ? e.getMessage() : e.toString()),
          e);
    }
  }

  Path path() {
    return path;
  }

  synchronized boolean has(int piece) {
    return index.containsKey(piece);
  }

  synchronized long bytesHeld() {
    return bytesHeld;
  }

  synchronized int piecesHeld() {
    return index.size();
  }

  /**
   * Appends a piece and releases {@code data}; false if it was already here or the file is closed.
   *
   * @throws UncheckedIOException naming the file and broadcast if the write fails (a full disk):
   *     the pieces already held stay held
   */
  boolean write(int piece, ByteBuf data) {
    try {
      int n = data.readableBytes();
      long at;
      synchronized (this) {
        if (closed || index.containsKey(piece)) {
          return false;
        }
        at = end;
        end += n; // reserved: a concurrent write appends after it
      }
      long pos = at;
      try {
        for (ByteBuffer part : data.nioBuffers(data.readerIndex(), n)) {
          while (part.hasRemaining()) {
            pos += channel.write(part, pos);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot spill piece "
                + piece
                + " of Broadcast("
                + broadcastId
                + ") to "
                + path
                + ": "
                + (e.getMessage() != null ? e.getMessage() : e.toString()),
            e);
      }
      synchronized (this) {
        if (closed || index.containsKey(piece)) {
          return false;
        }
        index.put(piece, new long[] {at, n});
        bytesHeld += n;
        return true;
      }
    } finally {
      data.release();
    }
  }

  /**
   * A piece read into a direct buffer from {@code alloc} (the caller releases it); null if not
   * held.
   */
  ByteBuf read(int piece, ByteBufAllocator alloc) {
    long[] where;
    synchronized (this) {
      where = index.get(piece);
    }
    if (where == null) {
      return null;
    }
    int n = (int) where[1];
    ByteBuf buf = alloc.directBuffer(n, n);
    try {
      ByteBuffer into = buf.nioBuffer(0, n);
      while (into.hasRemaining()) {
        if (channel.read(into, where[0] + into.position()) < 0) {
          throw new IOException("file ends early; was it truncated?");
        }
      }
      buf.writerIndex(n);
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(
          "cannot read spilled piece "
              + piece
              + " of Broadcast("
              + broadcastId
              + ") from "
              + path
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /** A piece as a region of the file, for {@code sendfile}; null if not held. */
  FileRegion region(int piece) {
    long[] where;
    synchronized (this) {
      where = index.get(piece);
    }
    return where == null ? null : new DefaultFileRegion(path.toFile(), where[0], where[1]);
  }

  /**
   * Closes and deletes the file, and its directory if that is now empty; returns how many pieces it
   * held.
   */
  int close() {
    int pieces;
    synchronized (this) {
      if (closed) {
        return 0;
      }
      closed = true;
      pieces = index.size();
    }
    try {
      channel.close();
      Files.deleteIfExists(path);
      try (var entries = Files.list(path.getParent())) {
        if (entries.findAny().isEmpty()) {
          Files.deleteIfExists(path.getParent());
        }
      }
    } catch (IOException ignored) {
      // best effort: already gone
    }
    return pieces;
  }
}
