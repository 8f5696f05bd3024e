package io.swarmcast.node;

import io.netty.buffer.ByteBufAllocator;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.Checksums;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.GetChecksums;
import io.swarmcast.transport.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * The driver's files that it reads while it serves them ({@link StreamedFile}): one reader thread
 * for all of them, in the order they were broadcast (one pass over a disk at a time, and one piece
 * buffer), and what the driver's message handler does with requests that reach a piece not read
 * yet. A question for checksums waits, with no deadline, until they are known; a request for a
 * piece, at most half the network timeout (then it is answered {@link Busy} and the executor asks
 * again), so that no executor's request times out on a slow disk. Thread-safe.
 */
final class StreamedFiles {
  private final Map<Long, StreamedFile> files = new ConcurrentHashMap<>();
  private final Duration pieceWait;
  private final ExecutorService reader =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "swarmcast-file-reader");
            t.setDaemon(true);
            return t;
          });

  /**
   * Runs on the reader thread before each piece is read: for tests, which hold the reader at a
   * piece.
   */
  volatile IntConsumer beforeRead = piece -> {};

  StreamedFiles(Duration networkTimeout) {
    this.pieceWait = networkTimeout.dividedBy(2);
  }

  /**
   * Starts reading {@code file} on the reader thread; {@code published} runs there as pieces become
   * servable.
   */
  void start(StreamedFile file, ByteBufAllocator memory, StreamedFile.Published published) {
    if (files.putIfAbsent(file.broadcastId, file) != null) {
      throw new IllegalStateException("Broadcast(" + file.broadcastId + ") is already being read");
    }
    reader.execute(() -> file.read(memory, published, piece -> beforeRead.accept(piece)));
  }

  /** The streamed file of a broadcast, or null if it is none (a value, or removed). */
  StreamedFile get(long broadcastId) {
    return files.get(broadcastId);
  }

  /** The broadcast is destroyed: stop reading it, and answer its waiting requests. */
  void remove(long broadcastId) {
    StreamedFile f = files.remove(broadcastId);
    if (f != null) {
      f.stop();
    }
  }

  /**
   * Answers a question for checksums now if they are known, else once they are; {@code unknown} if
   * no such file.
   */
  void getChecksums(Connection from, GetChecksums g, String unknown) {
    StreamedFile f = files.get(g.broadcastId());
    if (f == null) {
      from.send(new Failure(g.requestId(), unknown));
      return;
    }
    answer(from, f, g);
  }

  private void answer(Connection from, StreamedFile f, GetChecksums g) {
    while (from.isActive()) {
      Object a = f.answer(g.requestId(), g.from());
      if (a instanceof Checksums c) {
        from.send(c);
        return;
      }
      if (a instanceof String why) {
        from.send(new Failure(g.requestId(), why));
        return;
      }
      if (f.park(() -> answer(from, f, g))) {
        return;
      }
      // Nothing more will be published (just finished, failed or stopped): the answer is final now.
    }
  }

  /**
   * If piece {@code piece} of a streamed file is still to be read, parks {@code retry} until it may
   * be (or the wait is over: then the requester is told {@link Busy}) and returns true; false if
   * the request can be served, or refused, now.
   */
  boolean parkForPiece(
      Connection from, long requestId, long broadcastId, int piece, Runnable retry) {
    StreamedFile f = files.get(broadcastId);
    if (f == null) {
      return false;
    }
    Runnable[] once = once(from, requestId, retry);
    return f.whenPublished(piece, once[0]) && armed(from, once[1]);
  }

  /**
   * As {@link #parkForPiece}, for a request for any piece: parks while the file is still being
   * read.
   */
  boolean parkForAny(Connection from, long requestId, long broadcastId, Runnable retry) {
    StreamedFile f = files.get(broadcastId);
    if (f == null) {
      return false;
    }
    Runnable[] once = once(from, requestId, retry);
    return f.park(once[0]) && armed(from, once[1]);
  }

  /** Why a streamed file failed, or null (none, or it did not fail). */
  String failure(long broadcastId) {
    StreamedFile f = files.get(broadcastId);
    return f == null ? null : f.failure();
  }

  /** Whichever of {@code retry} and the Busy answer comes first runs; the other does nothing. */
  private Runnable[] once(Connection from, long requestId, Runnable retry) {
    AtomicBoolean done = new AtomicBoolean();
    return new Runnable[] {
      () -> {
        if (done.compareAndSet(false, true)) {
          // On the connection's event loop, where requests are handled, not on the reader thread
          // that woke it.
          from.schedule(retry, Duration.ZERO);
        }
      },
      () -> {
        if (done.compareAndSet(false, true)) {
          from.send(new Busy(requestId));
        }
      }
    };
  }

  private boolean armed(Connection from, Runnable busy) {
    from.schedule(
        busy, pieceWait); // null once the node is closing: the request dies with its connection
    return true;
  }

  void close() {
    files.values().forEach(StreamedFile::stop);
    files.clear();
    reader.shutdownNow();
  }
}
