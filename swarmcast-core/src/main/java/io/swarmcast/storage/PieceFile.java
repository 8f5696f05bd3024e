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
import java.util.BitSet;

/**
 * The pieces of one file broadcast, kept in one file at fixed offsets: piece {@code i} is the bytes
 * at {@code i × pieceSize}, every piece {@code pieceSize} long but the last. Nothing of the content
 * passes through the Java heap: a received piece is written from its direct buffer with a
 * positional write, a piece is served as a {@link FileRegion} (the kernel's {@code sendfile}), or
 * read into a direct buffer where a region cannot go (TLS, fault injection).
 *
 * <p>Two kinds: the driver's {@linkplain #source source}, the user's own file, which holds every
 * piece and is never written or deleted; and an executor's {@linkplain #create target}, which
 * starts empty, fills as pieces arrive, and is deleted by {@link #close}. Which pieces a target
 * holds is recorded only once a piece's bytes are written in full, so a reader never sees half a
 * piece. Thread-safe: positional reads and writes need no lock; the held set and the byte count are
 * guarded by this object.
 */
public final class PieceFile {
  private final long broadcastId;
  private final Path path;
  private final long length;
  private final int pieceSize;
  private final int pieceCount;
  private final boolean source;
  private final FileChannel channel;
  private final BitSet held;
  private long bytesHeld;
  private boolean closed;

  private PieceFile(
      long broadcastId,
      Path path,
      long length,
      int pieceSize,
      boolean source,
      FileChannel channel) {
    this(broadcastId, path, length, pieceSize, source, channel, source);
  }

  private PieceFile(
      long broadcastId,
      Path path,
      long length,
      int pieceSize,
      boolean source,
      FileChannel channel,
      boolean holdsAll) {
    if (pieceSize <= 0) {
      throw new IllegalArgumentException("piece size must be positive: " + pieceSize);
    }
    long count = length == 0 ? 1 : (length + pieceSize - 1) / pieceSize;
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          length + " bytes in pieces of " + pieceSize + " are too many pieces");
    }
    this.broadcastId = broadcastId;
    this.path = path;
    this.length = length;
    this.pieceSize = pieceSize;
    this.pieceCount = (int) count;
    this.source = source;
    this.channel = channel;
    this.held = new BitSet(pieceCount);
    if (holdsAll) {
      held.set(0, pieceCount);
      bytesHeld = length;
    }
  }

  /**
   * The number of pieces {@code length} bytes make in pieces of {@code pieceSize} (an empty file is
   * one empty piece).
   */
  public static int pieceCount(long length, int pieceSize) {
    return (int) Math.max(1, (length + pieceSize - 1) / pieceSize);
  }

  /**
   * The driver's side: every piece of {@code path}, which must not change while it is broadcast.
   */
  public static PieceFile source(long broadcastId, Path path, int pieceSize) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new PieceFile(broadcastId, path, ch.size(), pieceSize, true, ch);
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The driver's side of a file it reads while it serves it: {@code path}, holding no piece until
   * {@link #markRead} says its checksum is known. Nothing is served before that: a piece only
   * leaves the driver once an executor can check it.
   */
  public static PieceFile streamedSource(long broadcastId, Path path, int pieceSize)
      throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      return new PieceFile(broadcastId, path, ch.size(), pieceSize, true, ch, false);
    } catch (RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * The driver's streamed source: piece {@code piece} has been read and checksummed, and may be
   * served from now on.
   */
  public synchronized void markRead(int piece) {
    if (!source || closed || piece < 0 || piece >= pieceCount || held.get(piece)) {
      return;
    }
    held.set(piece);
    bytesHeld += pieceBytes(piece);
  }

  /**
   * An executor's side: a new, empty file at {@code path} (its directory is created) that will hold
   * {@code length} bytes. Its size is not reserved up front, so a full disk shows on the write that
   * hits it, naming the file.
   */
  public static PieceFile create(long broadcastId, Path path, long length, int pieceSize)
      throws IOException {
    Files.createDirectories(path.getParent());
    FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new PieceFile(broadcastId, path, length, pieceSize, false, ch);
    } catch (RuntimeException e) {
      ch.close();
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /**
   * An executor's side writing to an already open channel: for tests that need a device like {@code
   * /dev/full}.
   */
  static PieceFile target(
      long broadcastId, Path path, FileChannel channel, long length, int pieceSize) {
    return new PieceFile(broadcastId, path, length, pieceSize, false, channel);
  }

  public Path path() {
    return path;
  }

  public long length() {
    return length;
  }

  public int pieceSize() {
    return pieceSize;
  }

  public int pieceCount() {
    return pieceCount;
  }

  /** The length of piece {@code piece}, or -1 if there is no such piece. */
  public int pieceBytes(int piece) {
    if (piece < 0 || piece >= pieceCount) {
      return -1;
    }
    return (int) Math.min(pieceSize, length - (long) piece * pieceSize);
  }

  public synchronized boolean has(int piece) {
    return !closed && piece >= 0 && held.get(piece);
  }

  public synchronized boolean complete() {
    return !closed && held.cardinality() == pieceCount;
  }

  public synchronized long bytesHeld() {
    return closed ? 0 : bytesHeld;
  }

  public synchronized int piecesHeld() {
    return closed ? 0 : held.cardinality();
  }

  /**
   * Writes a piece at its offset and releases {@code data}. Returns false if it was already held
   * (or this file is closed or the driver's source).
   *
   * @throws IllegalArgumentException if {@code data} is not exactly the piece's length
   * @throws UncheckedIOException naming this file and its broadcast if the write fails (a full
   *     disk): the pieces already written stay held
   */
  public boolean write(int piece, ByteBuf data) {
    try {
      int expected = pieceBytes(piece);
      if (expected < 0 || data.readableBytes() != expected) {
        throw new IllegalArgumentException(
            "piece "
                + piece
                + " of Broadcast("
                + broadcastId
                + ") must be "
                + expected
                + " bytes, not "
                + data.readableBytes());
      }
      synchronized (this) {
        if (closed || source || held.get(piece)) {
          return false;
        }
      }
      long at = (long) piece * pieceSize;
      try {
        for (ByteBuffer part : data.nioBuffers(data.readerIndex(), data.readableBytes())) {
          while (part.hasRemaining()) {
            at += channel.write(part, at);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot write piece "
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
        if (closed || held.get(piece)) {
          return false; // written twice at once: the same bytes, counted once
        }
        held.set(piece);
        bytesHeld += expected;
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
  public ByteBuf read(int piece, ByteBufAllocator alloc) {
    if (!has(piece)) {
      return null;
    }
    return readAnyway(piece, alloc);
  }

  /**
   * A piece read into a direct buffer from {@code alloc} whether or not it is held: the driver's
   * checksum pass over its streamed source. Fails naming the file if it is shorter than it was when
   * opened.
   */
  public ByteBuf readAnyway(int piece, ByteBufAllocator alloc) {
    int n = pieceBytes(piece);
    ByteBuf buf = alloc.directBuffer(n, n);
    try {
      ByteBuffer into = buf.nioBuffer(0, n);
      long at = (long) piece * pieceSize;
      while (into.hasRemaining()) {
        int r = channel.read(into, at + into.position());
        if (r < 0) {
          throw new IOException(
              "file ends at " + (at + into.position()) + " bytes; was it truncated?");
        }
      }
      buf.writerIndex(n);
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(
          "cannot read piece "
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

  /**
   * A piece as a region of this file, for the transport to send with {@code sendfile}; null if not
   * held. The region opens the file by its path and closes it once written, so it outlives neither
   * this object's channel nor a rename (files are not renamed while they are served).
   */
  public FileRegion region(int piece) {
    if (!has(piece)) {
      return null;
    }
    return new DefaultFileRegion(path.toFile(), (long) piece * pieceSize, pieceBytes(piece));
  }

  /** Forces the written bytes to the device: for a completed file before it is handed out. */
  public void force() throws IOException {
    channel.force(false);
  }

  /**
   * Closes the file and, for an executor's target, deletes it. The driver's source, the user's own
   * file, is left as it is. Idempotent.
   */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing was pending: reads and writes are positional and complete
    }
    if (!source) {
      try {
        Files.deleteIfExists(path);
        Path dir = path.getParent();
        try (var entries = Files.list(dir)) {
          if (entries.findAny().isEmpty()) {
            Files.deleteIfExists(dir);
          }
        }
      } catch (IOException ignored) {
        // best effort: a file still open elsewhere (Windows) or already gone
      }
    }
  }

  @Override
  public String toString() {
    return "PieceFile[Broadcast("
        + broadcastId
        + "), "
        + path
        + ", "
        + length
        + " bytes in "
        + pieceCount
        + " pieces]";
  }
}
