package io.swarmcast.broadcast;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
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

  /** Serializes, compresses and cuts {@code value} into pieces of {@code blockSize} bytes (the last may be shorter). */
  public static Pieces blockify(Object value, Serializer serializer, CompressionCodec codec, int blockSize,
      ByteBufAllocator alloc) throws IOException {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize <= 0: " + blockSize);
    }
    PieceOutputStream pieces = new PieceOutputStream(alloc, blockSize);
    try {
      try (OutputStream out = codec.compress(pieces)) {
        serializer.serialize(value, out);
      }
      pieces.close();
    } catch (IOException | RuntimeException e) {
      pieces.releaseAll();
      throw e;
    }
    List<ByteBuf> buffers = pieces.pieces;
    int[] checksums = new int[buffers.size()];
    long total = 0;
    for (int i = 0; i < checksums.length; i++) {
      checksums[i] = Checksums.crc32c(buffers.get(i));
      total += buffers.get(i).readableBytes();
    }
    return new Pieces(buffers, checksums, total);
  }

  /** Reads the value back from its pieces, in order; does not release them. */
  public static Object unblockify(List<ByteBuf> pieces, Serializer serializer, CompressionCodec codec,
      ClassLoader loader) throws IOException {
    CompositeByteBuf all = ByteBufAllocator.DEFAULT.compositeDirectBuffer(Math.max(2, pieces.size()));
    for (ByteBuf p : pieces) {
      all.addComponent(true, p.retainedDuplicate());
    }
    try (InputStream in = codec.decompress(new ByteBufInputStream(all, true))) {
      return serializer.deserialize(in, loader);
    }
  }

  /** An output stream that fills direct buffers of a fixed size, one after another. */
  private static final class PieceOutputStream extends OutputStream {
    private final ByteBufAllocator alloc;
    private final int blockSize;
    private final List<ByteBuf> pieces = new ArrayList<>();
    private ByteBuf current;
    private boolean closed;

    PieceOutputStream(ByteBufAllocator alloc, int blockSize) {
      this.alloc = alloc;
      this.blockSize = blockSize;
    }

    private ByteBuf current() throws IOException {
      if (closed) {
        throw new IOException("stream closed");
      }
      if (current == null || !current.isWritable()) {
        current = alloc.directBuffer(blockSize, blockSize);
        pieces.add(current);
      }
      return current;
    }

    @Override
    public void write(int b) throws IOException {
      current().writeByte(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        ByteBuf buf = current();
        int n = Math.min(len, buf.writableBytes());
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
