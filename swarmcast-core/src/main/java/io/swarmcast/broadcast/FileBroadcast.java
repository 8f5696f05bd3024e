package io.swarmcast.broadcast;

import io.netty.buffer.ByteBuf;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.Checksums;
import io.swarmcast.storage.PieceFile;
import io.swarmcast.swarm.FetchMode;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A broadcast of a file ({@link BroadcastManager#broadcastFile}). The driver serves the user's file
 * itself, piece by piece, without reading it into memory, while it reads it once to checksum it:
 * the handle exists before the file is read, and each piece may leave the driver as soon as its
 * checksums are known. An executor writes each verified piece at its offset in a file of its own
 * under {@code swarmcast.storage.dir} and, once every piece is there and the whole file's SHA-256
 * matches the driver's, {@link #value()} returns that file's path. The file is read-only, and
 * deleted on {@code unpersist}, {@code destroy}, or when the node stops.
 *
 * <p>Pieces are all {@code pieceSize} long but the last, so each has a fixed offset. The handle is
 * small (no checksums: it is made before they are known): the executor asks the driver for each
 * piece's CRC32C, with {@code swarmcast.file.pieceDigest=sha256} its SHA-256 as well, and the
 * file's SHA-256 (see {@link SwarmNode#fetchFile}), and checks every piece against them before it
 * stores or serves it. Thread-safe; the file is fetched once per node however many threads ask.
 */
final class FileBroadcast extends PieceBroadcast<Path> {
  private static final long serialVersionUID = 2L;

  /** The file's name on the driver (no directories): the executor's copy keeps it. */
  private final String name;

  private final int pieceSize;

  /**
   * Whether each piece is checked against its SHA-256 too ({@code
   * swarmcast.file.pieceDigest=sha256}).
   */
  private final boolean pieceSha256;

  private final FetchMode mode;

  /** {@code length}: the file's size when the driver opened it; the layout names no checksums. */
  FileBroadcast(
      long id,
      SwarmNode node,
      long length,
      Path driverFile,
      int pieceSize,
      boolean pieceSha256,
      FetchMode mode) {
    super(id, node, new PieceLayout(length, new int[0], "file", "none"), false, driverFile);
    this.name =
        safeName(driverFile.getFileName() == null ? "file" : driverFile.getFileName().toString());
    this.pieceSize = pieceSize;
    this.pieceSha256 = pieceSha256;
    this.mode = mode;
  }

  @Override
  FetchMode fetchMode() {
    return mode;
  }

  /** The file's name, as it is on the driver and will be on every executor. */
  public String fileName() {
    return name;
  }

  /** The file's length in bytes. */
  public long fileBytes() {
    return layout().totalBytes();
  }

  @Override
  public int pieceCount() {
    return PieceFile.pieceCount(layout().totalBytes(), pieceSize);
  }

  @Override
  Object readValue(SwarmNode n) throws IOException, InterruptedException {
    BlockManager blocks = n.blockManager();
    PieceFile file = blocks.file(id());
    if (file == null) {
      Path where = n.fileDirectory().resolve(id() + "-" + name);
      file = PieceFile.create(id(), where, layout().totalBytes(), pieceSize);
      try {
        blocks.addFile(id(), file);
      } catch (IllegalStateException e) {
        file.close();
        throw new BroadcastException(
            "cannot fetch " + this + " into " + where + ": " + e.getMessage(), e);
      }
    }
    CompletableFuture<byte[]> fetch = n.fetchFile(id(), pieceCount(), pieceSha256, mode);
    // The SHA-256 follows the fetch in piece order, each piece read back as soon as it is written
    // (from the page cache), so that on a link slower than hashing the check is done when the last
    // piece is.
    byte[] got;
    try {
      got = digestFollowing(file, blocks, fetch);
    } catch (BroadcastException e) {
      awaitFetch(fetch); // a failed fetch is the cause
      throw e;
    }
    awaitFetch(fetch);
    byte[] want = fetch.join();
    if (!MessageDigest.isEqual(got, want)) {
      blocks.removeBroadcast(id());
      throw new BroadcastException(
          this
              + ": the fetched file's SHA-256 is "
              + HexFormat.of().formatHex(got)
              + ", not "
              + HexFormat.of().formatHex(want)
              + " as the driver computed it; the file was deleted (was the driver's "
              + "file changed while it was broadcast?)");
    }
    if (!file.path().toFile().setReadOnly()) {
      throw new BroadcastException("cannot make " + file.path() + " read-only");
    }
    return file.path();
  }

  /**
   * The SHA-256 of the file, piece by piece in order, each piece read (into a direct buffer:
   * nothing of it on the heap) once the fetch has stored it.
   */
  private byte[] digestFollowing(PieceFile file, BlockManager blocks, CompletableFuture<?> fetch)
      throws InterruptedException {
    MessageDigest sha = Checksums.sha256();
    for (int i = 0; i < file.pieceCount(); i++) {
      ByteBuf piece = blocks.awaitPiece(id(), i, fetch);
      if (piece == null) {
        throw new BroadcastException("piece " + i + " of " + file + " is not stored here");
      }
      try {
        for (ByteBuffer part : piece.nioBuffers()) {
          sha.update(part);
        }
      } finally {
        piece.release();
      }
    }
    return sha.digest();
  }

  /** A file name an executor can use as it is: no directories, nothing hidden or special. */
  static String safeName(String name) {
    String cleaned = name.replaceAll("[^A-Za-z0-9._+-]", "_");
    if (cleaned.isEmpty() || cleaned.chars().allMatch(c -> c == '.')) {
      return "file";
    }
    return cleaned.length() > 200 ? cleaned.substring(cleaned.length() - 200) : cleaned;
  }

  @Override
  public String toString() {
    return "FileBroadcast(" + id() + ", " + name + ")";
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (name == null
        || !name.equals(safeName(name))
        || pieceSize <= 0
        || layout().totalBytes() < 0
        || (layout().totalBytes() + pieceSize - 1) / pieceSize > Integer.MAX_VALUE
        || layout().pieceCount() != 0
        || mode == null) {
      throw new InvalidObjectException(
          "file broadcast handle is inconsistent: name, length, piece size or mode");
    }
  }
}
