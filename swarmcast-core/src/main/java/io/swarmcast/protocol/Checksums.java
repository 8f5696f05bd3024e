package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Driver to executor, answering {@link GetChecksums}: the checksums of pieces {@code from} to
 * {@code from + count - 1} of a file broadcast, as the driver computed them from its file, and the
 * whole file's SHA-256 once the driver has read all of it.
 *
 * <pre>
 * checksums: &lt;i64 requestId&gt;&lt;i64 broadcastId&gt;&lt;i32 from&gt;&lt;i32 count&gt;&lt;u8 flags&gt;
 *            &lt;count × i32 crc32c&gt;
 *            [&lt;count × 32 bytes sha256&gt;]   if flags bit 0 (swarmcast.file.pieceDigest=sha256)
 *            [&lt;32 bytes file sha256&gt;]      if flags bit 1: the last piece's checksums are in this
 *                                            message or an earlier one; the file is read in full
 * </pre>
 *
 * {@code count} is at most {@link #MAX_COUNT}, so the largest body is about 37 KiB, within the
 * smallest frame a node may be configured to take (64 KiB); other flag bits must be 0.
 */
public record Checksums(
    long requestId, long broadcastId, int from, int[] crcs, byte[] pieceSha256, byte[] fileSha256)
    implements Message.Response {
  /** Most pieces one message carries: the executor asks again for the rest. */
  public static final int MAX_COUNT = 1024;

  public static final int SHA256_BYTES = 32;
  private static final int PIECE_DIGESTS = 1;
  private static final int FILE_DIGEST = 2;

  /**
   * {@code pieceSha256}: 32 bytes per piece, or null; {@code fileSha256}: 32 bytes, or null while
   * the driver is still reading. The arrays are not copied: callers hand them over.
   */
  public Checksums {
    if (from < 0 || crcs.length > MAX_COUNT || (long) from + crcs.length > Wire.MAX_PIECES) {
      throw new ProtocolException(
          "checksums of " + crcs.length + " pieces from " + from + " are out of range");
    }
    if (pieceSha256 != null && pieceSha256.length != crcs.length * SHA256_BYTES) {
      throw new ProtocolException(
          "piece digests of " + pieceSha256.length + " bytes for " + crcs.length + " pieces");
    }
    if (fileSha256 != null && fileSha256.length != SHA256_BYTES) {
      throw new ProtocolException("a file digest of " + fileSha256.length + " bytes");
    }
  }

  @Override
  public MessageType type() {
    return MessageType.CHECKSUMS;
  }

  @Override
  public int encodedLength() {
    return 8
        + 8
        + 4
        + 4
        + 1
        + crcs.length * 4
        + (pieceSha256 == null ? 0 : pieceSha256.length)
        + (fileSha256 == null ? 0 : SHA256_BYTES);
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId)
        .writeLong(broadcastId)
        .writeInt(from)
        .writeInt(crcs.length)
        .writeByte(
            (pieceSha256 != null ? PIECE_DIGESTS : 0) | (fileSha256 != null ? FILE_DIGEST : 0));
    for (int crc : crcs) {
      out.writeInt(crc);
    }
    if (pieceSha256 != null) {
      out.writeBytes(pieceSha256);
    }
    if (fileSha256 != null) {
      out.writeBytes(fileSha256);
    }
  }

  public static Checksums decode(ByteBuf in) {
    long requestId = in.readLong();
    long broadcastId = in.readLong();
    int from = in.readInt();
    int count = in.readInt();
    int flags = in.readUnsignedByte();
    if (count < 0 || count > MAX_COUNT) {
      throw new ProtocolException(
          "checksum count " + count + " is out of range [0, " + MAX_COUNT + "]");
    }
    if ((flags & ~(PIECE_DIGESTS | FILE_DIGEST)) != 0) {
      throw new ProtocolException("unknown checksum flags " + flags);
    }
    int digestBytes = (flags & PIECE_DIGESTS) != 0 ? count * SHA256_BYTES : 0;
    int need = count * 4 + digestBytes + ((flags & FILE_DIGEST) != 0 ? SHA256_BYTES : 0);
    if (in.readableBytes() < need) {
      throw new ProtocolException(
          "checksums of "
              + count
              + " pieces need "
              + need
              + " bytes but only "
              + in.readableBytes()
              + " remain in the frame (truncated)");
    }
    int[] crcs = new int[count];
    for (int i = 0; i < count; i++) {
      crcs[i] = in.readInt();
    }
    byte[] pieces = null;
    if ((flags & PIECE_DIGESTS) != 0) {
      pieces = new byte[digestBytes];
      in.readBytes(pieces);
    }
    byte[] file = null;
    if ((flags & FILE_DIGEST) != 0) {
      file = new byte[SHA256_BYTES];
      in.readBytes(file);
    }
    return new Checksums(requestId, broadcastId, from, crcs, pieces, file);
  }

  /** Whether the driver has read the whole file (this message carries its SHA-256). */
  public boolean complete() {
    return fileSha256 != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checksums c
        && c.requestId == requestId
        && c.broadcastId == broadcastId
        && c.from == from
        && Arrays.equals(c.crcs, crcs)
        && Arrays.equals(c.pieceSha256, pieceSha256)
        && Arrays.equals(c.fileSha256, fileSha256);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(requestId) * 31 + Arrays.hashCode(crcs);
  }

  @Override
  public String toString() {
    return "Checksums[requestId="
        + requestId
        + ", broadcastId="
        + broadcastId
        + ", from="
        + from
        + ", count="
        + crcs.length
        + ", pieceSha256="
        + (pieceSha256 != null)
        + ", complete="
        + complete()
        + "]";
  }
}
