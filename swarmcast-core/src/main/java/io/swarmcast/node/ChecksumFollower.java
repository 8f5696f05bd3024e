package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import io.swarmcast.protocol.Checksums;
import io.swarmcast.protocol.GetChecksums;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.RemoteException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * An executor's copy of the checksums the driver publishes as it reads a file (see {@code
 * StreamedFile}), and the judge of every piece of that file that arrives. It asks the driver, and
 * only the driver, over the authenticated connection ({@link GetChecksums}, which the driver
 * answers as soon as it knows more), again and again until it has every piece's checksums and the
 * whole file's SHA-256.
 *
 * <p>A piece whose checksum is not known here yet is {@linkplain #park parked} (memory is bounded
 * by the fetch's requests in flight, each of which brings at most one piece) until an answer brings
 * it. An honest holder's piece always has a checksum the driver already published, since the holder
 * verified it against that; so a parked piece that an answer to a question put after it arrived
 * still does not cover, while that answer held all the driver knew, is a lie, and counted as a
 * corrupt piece. Thread-safe.
 */
final class ChecksumFollower implements PieceVerifier {
  /** A piece waiting for its checksum, with what {@link SwarmFetcher} needs to take it up again. */
  record Parked(long token, int expected, int source, PieceData data, long askedBefore) {}

  private final long broadcastId;
  private final int pieceCount;
  private final int[] crcs;

  /** Each piece's SHA-256, 32 bytes after 32 bytes; null unless the handle asks for it. */
  private final byte[] digests;

  private final CompletableFuture<byte[]> fileDigest = new CompletableFuture<>();
  private volatile Connection driver;
  private volatile SwarmFetcher fetcher;
  // Guarded by this.
  private int known;

  /**
   * Questions sent so far: an answer's number says whether it was asked after a piece was parked.
   */
  private long asked;

  private final List<Parked> parked = new ArrayList<>();
  private boolean stopped;

  ChecksumFollower(long broadcastId, int pieceCount, boolean pieceSha256, Connection driver) {
    this.broadcastId = broadcastId;
    this.pieceCount = pieceCount;
    this.crcs = new int[pieceCount];
    this.digests = pieceSha256 ? new byte[pieceCount * Checksums.SHA256_BYTES] : null;
    this.driver = driver;
  }

  /**
   * Starts asking; {@code fetcher} is told of parked pieces that can be judged, and cancelled if
   * this fails.
   */
  void start(SwarmFetcher fetcher) {
    this.fetcher = fetcher;
    ask();
  }

  /** The file's SHA-256 as the driver computed it, once it has read all of it. */
  CompletableFuture<byte[]> fileDigest() {
    return fileDigest;
  }

  @Override
  public Verdict verify(int piece, ByteBuf data) {
    synchronized (this) {
      if (piece >= known) {
        return Verdict.UNKNOWN;
      }
    }
    // Written before known was raised, under the same lock: safe to read now.
    // storage.Checksums computes the CRC; protocol.Checksums (imported) is the message
    if (io.swarmcast.storage.Checksums.crc32c(data) != crcs[piece]) { // fqn-ok
      return Verdict.BAD;
    }
    if (digests != null) {
      MessageDigest sha = io.swarmcast.storage.Checksums.sha256(); // fqn-ok
      for (ByteBuffer part : data.nioBuffers(data.readerIndex(), data.readableBytes())) {
        sha.update(part);
      }
      byte[] want =
          Arrays.copyOfRange(
              digests, piece * Checksums.SHA256_BYTES, (piece + 1) * Checksums.SHA256_BYTES);
      if (!MessageDigest.isEqual(sha.digest(), want)) {
        return Verdict.BAD;
      }
    }
    return Verdict.GOOD;
  }

  /**
   * Keeps a piece whose checksum was unknown until an answer decides it; false if its checksum is
   * known now (judge it again) or this follower has stopped (the caller releases it).
   */
  synchronized boolean park(long token, int expected, int source, PieceData data) {
    if (stopped || data.piece() < known) {
      return false;
    }
    parked.add(new Parked(token, expected, source, data, asked));
    return true;
  }

  private void ask() {
    int from;
    long number;
    Connection d;
    synchronized (this) {
      if (stopped || fileDigest.isDone()) {
        return;
      }
      from = known;
      number = ++asked;
      d = driver;
    }
    // No deadline: the driver answers when it has read further, which a slow disk may take long to
    // do.
    d.request(id -> new GetChecksums(id, broadcastId, from), Duration.ZERO, Checksums.class)
        .whenComplete((m, e) -> answered(number, from, (Checksums) m, e));
  }

  private void answered(long number, int from, Checksums c, Throwable e) {
    if (e != null) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RemoteException r) {
        fail(
            "the driver cannot give the checksums of Broadcast("
                + broadcastId
                + "): "
                + r.remoteMessage());
      } else {
        driverLost(cause);
      }
      return;
    }
    String wrong = inconsistency(c, from);
    if (wrong != null) {
      fail("the driver's checksums of Broadcast(" + broadcastId + ") are inconsistent: " + wrong);
      return;
    }
    int n = c.crcs().length;
    if (c.complete()) {
      fileDigest.complete(
          c.fileSha256()
              .clone()); // before the last pieces can be judged, so a finished fetch has it
    }
    List<Parked> ready = new ArrayList<>();
    List<Parked> lies = new ArrayList<>();
    synchronized (this) {
      if (stopped) {
        return;
      }
      System.arraycopy(c.crcs(), 0, crcs, from, n);
      if (digests != null) {
        System.arraycopy(
            c.pieceSha256(), 0, digests, from * Checksums.SHA256_BYTES, n * Checksums.SHA256_BYTES);
      }
      known = from + n;
      // A full batch may not be all the driver knows: only a shorter one proves a piece beyond it
      // unknown there.
      boolean allItKnows = n < Checksums.MAX_COUNT;
      for (Parked p : parked) {
        if (p.data().piece() < known) {
          ready.add(p);
        } else if (allItKnows && number > p.askedBefore()) {
          lies.add(p);
        }
      }
      parked.removeAll(ready);
      parked.removeAll(lies);
    }
    SwarmFetcher f = fetcher;
    ready.forEach(f::judgeParked);
    lies.forEach(f::uncheckable);
    ask();
  }

  /**
   * What is wrong with an answer to a question for the checksums from {@code from} on; null if
   * nothing.
   */
  private String inconsistency(Checksums c, int from) {
    int n = c.crcs().length;
    if (c.broadcastId() != broadcastId || c.from() != from) {
      return "asked for Broadcast("
          + broadcastId
          + ") from piece "
          + from
          + ", got Broadcast("
          + c.broadcastId()
          + ") from "
          + c.from();
    }
    if ((long) from + n > pieceCount || (n == 0 && from < pieceCount)) {
      return n + " pieces from " + from + " of " + pieceCount;
    }
    if ((digests != null) != (c.pieceSha256() != null)) {
      return "piece digests " + (digests != null ? "missing" : "not asked for");
    }
    if (c.complete() != (from + n == pieceCount)) {
      return "the file's SHA-256 "
          + (c.complete() ? "before" : "missing after")
          + " its last piece";
    }
    return null;
  }

  /**
   * The driver's connection is gone. With every checksum known the fetch goes on with the peers;
   * without, the rest of the file could never be verified, so it fails now, saying so.
   */
  void driverLost(Throwable cause) {
    if (fileDigest.isDone()) {
      return;
    }
    int k;
    synchronized (this) {
      k = known;
    }
    fail(
        "the driver went away ("
            + cause.getMessage()
            + ") before it had checksummed all of Broadcast("
            + broadcastId
            + "): "
            + k
            + " of "
            + pieceCount
            + " pieces' checksums are known here, and only the driver can vouch for the rest");
  }

  /**
   * The same driver took this executor back: ask it there (see {@link SwarmFetcher#driverBack}).
   */
  void driverBack(Connection connection) {
    this.driver = connection;
  }

  private void fail(String why) {
    NodeException e = new NodeException(why);
    stop(e);
    SwarmFetcher f = fetcher;
    if (f != null) {
      f.cancel(e);
    }
  }

  /**
   * The fetch is over: parked pieces (a late duplicate's) are dropped. A failed fetch ({@code
   * failure} not null) also stops the questions and fails the file's digest; one that succeeded
   * keeps asking until it has the digest (every piece can be here from an earlier fetch before the
   * driver has read them all).
   */
  void stop(Throwable failure) {
    List<Parked> drop;
    synchronized (this) {
      stopped |= failure != null;
      drop = new ArrayList<>(parked);
      parked.clear();
    }
    drop.forEach(p -> p.data().data().release());
    if (failure != null) {
      fileDigest.completeExceptionally(failure);
    }
  }
}
