package io.swarmcast.broadcast.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.Serializer;
import io.swarmcast.storage.Checksums;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The pure halves of a broadcast: value → pieces on the driver, pieces → value on an executor.
 *
 * <p>{@link #blockify} streams the value through the serializer and the codec straight into
 * fixed-size off-heap buffers, so the driver never holds a second serialized copy on its heap.
 * {@link #unblockify} reads the pieces back as one stream without concatenating them. Stateless.
 */
public final class Blockifier {
  private Blockifier() {}

  /** A value cut into pieces: the buffers (owned by the caller) and their CRC32C checksums. */
  public record Pieces(List<ByteBuf> buffers, int[] checksums, long totalBytes) {
    public void release() {
      buffers.forEach(ByteBuf::release);
    }
  }

  /**
   * Serializes, compresses and cuts {@code value} into pieces of {@code blockSize} bytes (the last
   * may be shorter).
   */
  public static Pieces blockify(
      Object value,
      Serializer serializer,
      CompressionCodec codec,
      int blockSize,
      ByteBufAllocator alloc)
      throws IOException {
    return checksummed(serialize(value, serializer, codec, blockSize, alloc));
  }

  /**
   * Serializes and compresses {@code value} into buffers of {@code blockSize} bytes (the last may
   * be shorter), owned by the caller, without checksums: for {@link #split}, which checksums its
   * pieces.
   */
  public static List<ByteBuf> serialize(
      Object value,
      Serializer serializer,
      CompressionCodec codec,
      int blockSize,
      ByteBufAllocator alloc)
      throws IOException {
    return serialize(value, serializer, codec, blockSize, alloc, false).blocks();
  }

  /** Serialized blocks, and the codec they were written with. */
  public record Serialized(List<ByteBuf> blocks, CompressionCodec codec) {}

  /**
   * As {@link #serialize(Object, Serializer, CompressionCodec, int, ByteBufAllocator)}; with {@code
   * onlyIfItCompresses}, a value whose first bytes do not compress by 10 % is written raw (see
   * {@link CodecChoice}), and the result says which codec was used.
   */
  public static Serialized serialize(
      Object value,
      Serializer serializer,
      CompressionCodec codec,
      int blockSize,
      ByteBufAllocator alloc,
      boolean onlyIfItCompresses)
      throws IOException {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize <= 0: " + blockSize);
    }
    PieceOutputStream pieces = new PieceOutputStream(alloc, blockSize);
    CompressionCodec used = codec;
    try {
      if (onlyIfItCompresses) {
        CodecChoice out = new CodecChoice(pieces, codec);
        try (out) {
          serializer.serialize(value, out);
        }
        used = out.chosen();
      } else {
        try (OutputStream out = codec.compress(pieces)) {
          serializer.serialize(value, out);
        }
      }
      pieces.close();
    } catch (IOException | RuntimeException e) {
      pieces.releaseAll();
      throw e;
    }
    return new Serialized(pieces.pieces, used);
  }

  /** {@code buffers} with their CRC32C checksums. */
  private static Pieces checksummed(List<ByteBuf> buffers) {
    int[] checksums = new int[buffers.size()];
    long total = 0;
    for (int i = 0; i < checksums.length; i++) {
      checksums[i] = Checksums.crc32c(buffers.get(i));
      total += buffers.get(i).readableBytes();
    }
    return new Pieces(buffers, checksums, total);
  }

  /**
   * The piece size for {@code totalBytes} of data shared by {@code executors}: {@code blockSize}
   * halved until there are at least {@code piecesPerExecutor × executors} pieces, but not below
   * {@code minBlockSize}. Why: a piece can be forwarded only once it has fully arrived, so the last
   * pieces the driver sends need about {@code pieceSize × executors ÷ bandwidth} to spread; smaller
   * pieces in large swarms keep that tail short, while few large pieces cost less per byte. Always
   * divides {@code blockSize}.
   */
  public static int pieceSizeFor(
      long totalBytes, int blockSize, int minBlockSize, int piecesPerExecutor, int executors) {
    long wanted = (long) piecesPerExecutor * Math.max(1, executors);
    int size = blockSize;
    while (size % 2 == 0 && size / 2 >= minBlockSize && (totalBytes + size - 1) / size < wanted) {
      size /= 2;
    }
    return size;
  }

  /**
   * How a broadcast is cut: pieces of {@code pieceSize} after a ramp that starts at {@code
   * firstPieceSize} and doubles every {@code perStep} pieces (see {@link #split}).
   */
  public record Cut(int pieceSize, int firstPieceSize, int perStep) {
    /** Whole blocks: nobody forwards pieces (the direct factory). */
    public static Cut whole(int blockSize) {
      return new Cut(blockSize, blockSize, 1);
    }

    /**
     * A swarm's cut of {@code totalBytes} with {@code executors} registered (see {@link
     * #pieceSizeFor}), ramping up from {@code minBlockSize} over the pieces the driver sends first
     * ({@code askedAtOnce} per executor at once).
     */
    public static Cut swarm(
        long totalBytes,
        int blockSize,
        int minBlockSize,
        int piecesPerExecutor,
        int askedAtOnce,
        int executors) {
      int pieceSize =
          pieceSizeFor(totalBytes, blockSize, minBlockSize, piecesPerExecutor, executors);
      return new Cut(
          pieceSize, Math.min(minBlockSize, pieceSize), askedAtOnce * Math.max(1, executors));
    }
  }

  /**
   * Cuts {@code blocks} (all of {@code blockSize} but the last, see {@link #serialize}) into pieces
   * of {@code pieceSize}, which must divide {@code blockSize}, starting with a ramp: the first
   * {@code perStep} pieces are {@code firstPieceSize}, the next {@code perStep} twice that, and so
   * on up to {@code pieceSize}. Why: at the start the driver sends about {@code perStep} pieces at
   * once and nobody can forward anything until one has fully arrived; small first pieces fill the
   * pipeline sooner. Slices of the same buffers, no copy; a piece never spans two blocks. Takes
   * over the references of {@code blocks} once its arguments are checked.
   */
  public static Pieces split(
      List<ByteBuf> blocks, int blockSize, int pieceSize, int firstPieceSize, int perStep) {
    int[] blockLengths = new int[blocks.size()];
    for (int b = 0; b < blockLengths.length; b++) {
      blockLengths[b] = blocks.get(b).readableBytes();
    }
    int[] sizes = pieceSizes(blockLengths, blockSize, pieceSize, firstPieceSize, perStep);
    List<ByteBuf> out = new ArrayList<>(sizes.length);
    int piece = 0;
    for (ByteBuf block : blocks) {
      for (int off = 0; off < block.readableBytes(); off += sizes[piece++]) {
        out.add(block.retainedSlice(block.readerIndex() + off, sizes[piece]));
      }
      block.release();
    }
    return checksummed(out);
  }

  /**
   * The sizes of the pieces {@link #split} cuts blocks of {@code blockLengths} into: the ramp from
   * {@code firstPieceSize}, doubling every {@code perStep} pieces up to {@code pieceSize}, and no
   * piece spanning two blocks. A simulation cuts its broadcasts with it, so they have the real
   * pieces.
   */
  public static int[] pieceSizes(
      int[] blockLengths, int blockSize, int pieceSize, int firstPieceSize, int perStep) {
    if (pieceSize <= 0 || blockSize % pieceSize != 0) {
      throw new IllegalArgumentException(
          "piece size " + pieceSize + " does not divide block size " + blockSize);
    }
    if (firstPieceSize <= 0 || perStep <= 0) {
      throw new IllegalArgumentException(
          "firstPieceSize and perStep must be positive: " + firstPieceSize + ", " + perStep);
    }
    List<Integer> sizes = new ArrayList<>();
    int size = Math.min(firstPieceSize, pieceSize);
    int atThisSize = 0;
    for (int length : blockLengths) {
      for (int off = 0; off < length; ) {
        int n = Math.min(size, length - off);
        sizes.add(n);
        off += n;
        if (size < pieceSize && ++atThisSize == perStep) {
          size = Math.min(pieceSize, size * 2);
          atThisSize = 0;
        }
      }
    }
    return sizes.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * {@link #pieceSizes(int[], int, int, int, int)} for {@code totalBytes} in blocks of {@code
   * blockSize} (the last one shorter).
   */
  public static int[] pieceSizes(
      long totalBytes, int blockSize, int pieceSize, int firstPieceSize, int perStep) {
    int[] blockLengths = new int[(int) ((totalBytes + blockSize - 1) / blockSize)];
    for (int b = 0; b < blockLengths.length; b++) {
      blockLengths[b] = (int) Math.min(blockSize, totalBytes - (long) b * blockSize);
    }
    return pieceSizes(blockLengths, blockSize, pieceSize, firstPieceSize, perStep);
  }

  /** Reads the value back from its pieces, in order; does not release them. */
  public static Object unblockify(
      List<ByteBuf> pieces, Serializer serializer, CompressionCodec codec, ClassLoader loader)
      throws IOException {
    return unblockify(pieces.size(), i -> pieces.get(i).retain(), serializer, codec, loader);
  }

  /**
   * Where {@link #unblockify(int, PieceSource, Serializer, CompressionCodec, ClassLoader)} gets its
   * pieces: it asks for each once, in order, and releases each when it has read it.
   */
  @FunctionalInterface
  public interface PieceSource {
    /**
     * A reference to piece {@code index}, which the reader releases; may wait for the piece to
     * arrive.
     */
    ByteBuf piece(int index) throws IOException;
  }

  /**
   * Reads the value back from {@code count} pieces taken from {@code source} one at a time, in
   * order, so it can be read while later pieces are still arriving.
   */
  public static Object unblockify(
      int count,
      PieceSource source,
      Serializer serializer,
      CompressionCodec codec,
      ClassLoader loader)
      throws IOException {
    try (PiecesInputStream pieces = new PiecesInputStream(count, source);
        InputStream in = codec.decompress(pieces)) {
      return serializer.deserialize(in, loader);
    }
  }

  /**
   * Reads a sequence of buffers as one stream without copying them together. Java serialization
   * reads a byte[] 1 KiB at a time, so each read must be cheap: this keeps its place in the current
   * buffer (a CompositeByteBuf looked the component up again on every read, at several µs a KiB).
   * Holds one piece at a time and releases it once read.
   */
  private static final class PiecesInputStream extends InputStream {
    private final int count;
    private final PieceSource source;

    /** Index of {@link #current}; count once every piece has been read. */
    private int index = -1;

    private ByteBuf current;
    private int offset;

    PiecesInputStream(int count, PieceSource source) {
      this.count = count;
      this.source = source;
    }

    /** The current piece with bytes left, or null at the end. */
    private ByteBuf current() throws IOException {
      while (current == null || offset >= current.readableBytes()) {
        if (current != null) {
          current.release();
          current = null;
        }
        if (index + 1 >= count) {
          index = count;
          return null;
        }
        current =
            source.piece(
                index + 1); // moves on only once it has the piece: a failed read can be retried
        index++;
        offset = 0;
      }
      return current;
    }

    @Override
    public int read() throws IOException {
      ByteBuf b = current();
      return b == null ? -1 : b.getUnsignedByte(b.readerIndex() + offset++);
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      ByteBuf b = current();
      if (b == null) {
        return -1;
      }
      int n = Math.min(len, b.readableBytes() - offset);
      b.getBytes(b.readerIndex() + offset, dst, off, n);
      offset += n;
      return n;
    }

    /** Bytes left in the piece at hand: never waits for the next one. */
    @Override
    public int available() {
      return current == null ? 0 : current.readableBytes() - offset;
    }

    @Override
    public void close() {
      if (current != null) {
        current.release();
        current = null;
      }
      index = count;
    }
  }

  /**
   * An output stream that fills direct buffers of {@code blockSize} bytes, one after another. The
   * first starts at {@value #FIRST_CAPACITY} bytes and grows as it fills: a 1 KiB value then holds
   * 16 KiB of direct memory for as long as it is broadcast, not 4 MiB, and skips the ~75 µs of
   * allocating (and zeroing) 4 MiB. A larger value pays one copy of 16 KiB.
   */
  private static final class PieceOutputStream extends OutputStream {
    static final int FIRST_CAPACITY = 16 * 1024;
    private final ByteBufAllocator alloc;
    private final int blockSize;
    private final List<ByteBuf> pieces = new ArrayList<>();
    private ByteBuf current;
    private boolean closed;

    PieceOutputStream(ByteBufAllocator alloc, int blockSize) {
      this.alloc = alloc;
      this.blockSize = blockSize;
    }

    /**
     * The buffer being filled, with room for at least one more byte (up to its maximum capacity).
     */
    private ByteBuf current() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (current == null || current.maxWritableBytes() == 0) {
        current =
            alloc.directBuffer(
                pieces.isEmpty() ? Math.min(FIRST_CAPACITY, blockSize) : blockSize, blockSize);
        pieces.add(current);
      }
      return current;
    }

    /**
     * Makes room for {@code n} bytes: a first block that outgrows its {@value #FIRST_CAPACITY}
     * bytes becomes a whole block at once (copying at most those bytes). Not doubling: JMH's cut of
     * 256 MiB with LZ4 went from ~125 to ~233 ms when the first block doubled its way up through
     * 512 KiB, 1 MiB and 2 MiB buffers (why exactly, in Netty's size-adaptive allocator or in how
     * glibc then maps 4 MiB blocks, was not pinned down; this keeps the allocations of before).
     */
    private static void ensureRoom(ByteBuf buf, int n) {
      if (buf.writableBytes() < n) {
        buf.capacity(buf.maxCapacity());
      }
    }

    @Override
    public void write(int b) throws IOException {
      ByteBuf buf = current();
      ensureRoom(buf, 1);
      buf.writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        ByteBuf buf = current();
        int n = Math.min(len, buf.maxWritableBytes());
        ensureRoom(buf, n);
        buf.writeBytes(b, off, n);
        off += n;
        len -= n;
      }
    }

    @Override
    public void close() {
      closed = true;
    }

    void releaseAll() {
      pieces.forEach(ByteBuf::release);
      pieces.clear();
    }
  }
}
