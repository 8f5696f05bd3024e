package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swarmcast.protocol.Checksums;
import io.swarmcast.storage.PieceFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of one file broadcast that it reads while it serves it. One pass over the file,
 * in piece order, on the node's reader thread, through one direct buffer of one piece (nothing of
 * the content on the heap): each piece's CRC32C, optionally its SHA-256, and the whole file's
 * SHA-256. Pieces are published in order, a few at a time, and a published piece is one whose
 * checksums executors may ask for ({@link #answer}) and that the driver may serve: so the first
 * piece leaves the driver long before the last is read, and no piece ever leaves it unchecked.
 *
 * <p>A file that changes while it is read (its size or modification time differ from when it was
 * opened, or it ends early) fails the broadcast: every waiting and later question is told why,
 * instead of executors receiving a file that is no file the driver ever had. Thread-safe: the
 * reader writes, and event-loop threads read, under this object's lock.
 */
final class StreamedFile {
  /**
   * Pieces are published once this many bytes are read since the last publication (and the first
   * piece at once).
   */
  static final long PUBLISH_BYTES = 1 << 20;

  /** ... or once this long has passed, so that a slow source still trickles out. */
  static final long PUBLISH_NANOS = 10_000_000;

  /**
   * What the node does once pieces {@code from .. to-1} are published (mark them servable, tell the
   * tracker).
   */
  interface Published {
    void pieces(int from, int to);
  }

  final long broadcastId;
  final PieceFile source;
  private final int pieceCount;
  private final int[] crcs;

  /** 32 bytes per piece, or null unless {@code swarmcast.file.pieceDigest=sha256}. */
  private final byte[] pieceDigests;

  private final long lengthAtOpen;
  private final FileTime modifiedAtOpen;
  private final CompletableFuture<byte[]> fileDigest = new CompletableFuture<>();
  private final long openedNanos = System.nanoTime();
  // Guarded by this.
  private int ready;

  /** The whole file's SHA-256, set with the last publication. */
  private byte[] wholeDigest;

  private String failure;
  private List<Runnable> waiters = new ArrayList<>();
  private volatile boolean stopped;

  StreamedFile(long broadcastId, PieceFile source, boolean pieceSha256) throws IOException {
    this.broadcastId = broadcastId;
    this.source = source;
    this.pieceCount = source.pieceCount();
    this.crcs = new int[pieceCount];
    this.pieceDigests = pieceSha256 ? new byte[pieceCount * Checksums.SHA256_BYTES] : null;
    BasicFileAttributes at = Files.readAttributes(source.path(), BasicFileAttributes.class);
    this.lengthAtOpen = source.length();
    this.modifiedAtOpen = at.lastModifiedTime();
  }

  /** The whole file's SHA-256, once it is read; fails with the reason if it could not be. */
  CompletableFuture<byte[]> fileDigest() {
    return fileDigest;
  }

  /**
   * Reads and checksums every piece in order, publishing as it goes. Runs on the node's reader
   * thread.
   */
  void read(ByteBufAllocator memory, Published published, IntConsumer beforeRead) {
    try {
      MessageDigest whole = io.swarmcast.storage.Checksums.sha256(); // fqn-ok
      int unpublished = 0;
      long bytesSince = 0;
      long lastPublished = System.nanoTime();
      for (int i = 0; i < pieceCount; i++) {
        beforeRead.accept(i);
        if (stopped) {
          return;
        }
        ByteBuf piece = source.readAnyway(i, memory);
        try {
          // storage.Checksums computes the CRC; protocol.Checksums (imported) is the message
          crcs[i] = io.swarmcast.storage.Checksums.crc32c(piece); // fqn-ok
          MessageDigest own =
              pieceDigests == null ? null : io.swarmcast.storage.Checksums.sha256(); // fqn-ok
          for (ByteBuffer part : piece.nioBuffers()) {
            whole.update(part.duplicate());
            if (own != null) {
              own.update(part);
            }
          }
          if (own != null) {
            System.arraycopy(
                own.digest(), 0, pieceDigests, i * Checksums.SHA256_BYTES, Checksums.SHA256_BYTES);
          }
          bytesSince += piece.readableBytes();
        } finally {
          piece.release();
        }
        boolean last = i == pieceCount - 1;
        long now = System.nanoTime();
        if (last || i == 0 || bytesSince >= PUBLISH_BYTES || now - lastPublished >= PUBLISH_NANOS) {
          // Checked before each publication: a piece is vouched for only while the file is still
          // the one opened.
          checkUnchanged();
          publish(unpublished, i + 1, last ? whole.digest() : null, published);
          unpublished = i + 1;
          bytesSince = 0;
          lastPublished = now;
        }
      }
    } catch (IOException | RuntimeException e) {
      fail(e.getMessage() != null ? e.getMessage() : e.toString());
    }
  }

  private void checkUnchanged() throws IOException {
    BasicFileAttributes now = Files.readAttributes(source.path(), BasicFileAttributes.class);
    if (now.size() != lengthAtOpen || !now.lastModifiedTime().equals(modifiedAtOpen)) {
      throw new IOException(
          source.path()
              + " changed while the driver read it ("
              + lengthAtOpen
              + " bytes modified at "
              + modifiedAtOpen
              + " when broadcast, now "
              + now.size()
              + " bytes modified at "
              + now.lastModifiedTime()
              + "); a broadcast file must not change until it is destroyed");
    }
  }

  private void publish(int from, int to, byte[] digest, Published published) {
    List<Runnable> wake;
    synchronized (this) {
      if (stopped) {
        return;
      }
      ready = to;
      wholeDigest = digest;
      wake = takeWaiters();
    }
    // Servable only now, after its checksums are answerable: an executor can check every piece it
    // gets.
    published.pieces(from, to);
    if (digest != null) {
      fileDigest.complete(digest);
    }
    wake.forEach(Runnable::run);
  }

  /** The broadcast failed: why goes to everyone waiting and to everyone who asks later. */
  void fail(String why) {
    List<Runnable> wake;
    synchronized (this) {
      if (failure != null) {
        return;
      }
      failure = "cannot broadcast " + source.path() + ": " + why;
      wake = takeWaiters();
    }
    LoggerFactory.getLogger(StreamedFile.class).error("Broadcast({}): {}", broadcastId, failure);
    fileDigest.completeExceptionally(new NodeException(failure));
    wake.forEach(Runnable::run);
  }

  /** Stops reading (the broadcast was destroyed); waiters are woken to find it gone. */
  void stop() {
    List<Runnable> wake;
    synchronized (this) {
      stopped = true;
      wake = takeWaiters();
    }
    fileDigest.completeExceptionally(
        new NodeException("Broadcast(" + broadcastId + ") was destroyed while it was read"));
    wake.forEach(Runnable::run);
  }

  private List<Runnable> takeWaiters() {
    List<Runnable> w = waiters;
    waiters = new ArrayList<>();
    return w;
  }

  /** Why the broadcast failed, or null. */
  synchronized String failure() {
    return failure;
  }

  /**
   * Whether piece {@code piece} is still to be read: neither published nor beyond reach (failed,
   * stopped).
   */
  synchronized boolean pending(int piece) {
    return piece >= ready && piece < pieceCount && failure == null && !stopped;
  }

  /**
   * Runs {@code then} at the next publication (or failure, or stop) if piece {@code piece} is still
   * {@linkplain #pending pending}, and returns true; returns false, and does nothing, if it is not.
   */
  synchronized boolean whenPublished(int piece, Runnable then) {
    if (!pending(piece)) {
      return false;
    }
    waiters.add(then);
    return true;
  }

  /** Whether the file is still being read: some piece is pending. */
  synchronized boolean reading() {
    return ready < pieceCount && failure == null && !stopped;
  }

  /**
   * The answer to a question for the checksums from piece {@code from} on: a {@link Checksums}, a
   * {@link String} (why there is none), or null if the question must wait for the next publication.
   */
  synchronized Object answer(long requestId, int from) {
    if (failure != null) {
      return failure;
    }
    if (stopped) {
      return "Broadcast(" + broadcastId + ") was destroyed";
    }
    if (from > pieceCount) {
      return "Broadcast(" + broadcastId + ") has " + pieceCount + " pieces, not " + from;
    }
    if (from >= ready && ready < pieceCount) {
      return null;
    }
    int to = Math.min(ready, from + Checksums.MAX_COUNT);
    int[] c = Arrays.copyOfRange(crcs, from, to);
    byte[] d =
        pieceDigests == null
            ? null
            : Arrays.copyOfRange(
                pieceDigests, from * Checksums.SHA256_BYTES, to * Checksums.SHA256_BYTES);
    byte[] whole = to == pieceCount ? wholeDigest.clone() : null;
    return new Checksums(requestId, broadcastId, from, c, d, whole);
  }

  /** Parks {@code then} until the next publication; false if nothing more will be published. */
  synchronized boolean park(Runnable then) {
    if (!reading()) {
      return false;
    }
    waiters.add(then);
    return true;
  }

  long openedNanos() {
    return openedNanos;
  }
}
