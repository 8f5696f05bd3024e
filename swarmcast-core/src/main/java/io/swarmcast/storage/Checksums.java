package io.swarmcast.storage;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * CRC32C of a piece, the checksum a broadcast handle carries for each piece. CRC32C is computed by
 * a CPU instruction on current x86 and ARM, so verifying costs well under a millisecond per MiB. It
 * detects corruption, not forgery; a file broadcast's SHA-256 digests ({@link #sha256}) do.
 * Stateless.
 */
public final class Checksums {
  private Checksums() {}

  /** CRC32C of the readable bytes of {@code buf}, which is left unchanged. */
  public static int crc32c(ByteBuf buf) {
    CRC32C crc = new CRC32C();
    if (buf.nioBufferCount() > 0) {
      for (ByteBuffer b : buf.nioBuffers(buf.readerIndex(), buf.readableBytes())) {
        crc.update(b);
      }
    } else {
      byte[] copy = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), copy);
      crc.update(copy);
    }
    return (int) crc.getValue();
  }

  /**
   * A fresh SHA-256 digest: a file's, and with {@code swarmcast.file.pieceDigest=sha256} each
   * piece's.
   */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
