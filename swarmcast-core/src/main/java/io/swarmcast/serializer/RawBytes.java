package io.swarmcast.serializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;

/**
 * How both serializers write a value that is a {@code byte[]} (a file, a model's blob): as it is,
 * behind a header, instead of through the serialization library.
 * <pre>
 * +------+------+------+------+----------------------+------------------+
 * | 0x53 | 0x57 | 0x00 | 0x01 | length (int32, BE)   | length bytes     |
 * +------+------+------+------+----------------------+------------------+
 * </pre>
 * Why: {@code ObjectOutputStream}/{@code ObjectInputStream} move a byte[] through their own 1 KiB
 * buffer, so each byte is copied twice and the piece stream sees half a million calls per 512 MiB; Kryo
 * copies it through its 64 KiB buffer. Raw, each byte is copied once, a piece at a time (512 MiB to one
 * executor on loopback: 0.30–0.32 s instead of 0.38–0.42 s with Java serialization). Each serializer
 * makes sure its other streams cannot start with {@link #MAGIC}. Stateless.
 */
final class RawBytes {
  /** The first four bytes: "SW", then format 1. */
  static final int MAGIC = 0x5357_0001;
  /** Bytes of the header: the magic and the length. */
  static final int HEADER_BYTES = 8;

  /** Decides whether a raw byte[] of a given length may be read; throws to refuse it. */
  @FunctionalInterface
  interface LengthCheck {
    void check(int length) throws IOException;
  }

  private RawBytes() {}

  /** Writes {@code value} in the raw format; flushes, does not close. */
  static void write(byte[] value, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeInt(MAGIC);
    data.writeInt(value.length);
    data.write(value);
    data.flush();
  }

  /** True if {@code head}, a stream's first four bytes, start a raw byte[]. */
  static boolean isRaw(byte[] head) {
    return head.length == 4 && ((head[0] & 0xFF) << 24 | (head[1] & 0xFF) << 16 | (head[2] & 0xFF) << 8 | head[3] & 0xFF) == MAGIC;
  }

  /**
   * Reads the rest of a raw byte[] whose magic has been read: its length, which {@code check} may refuse
   * before anything is allocated, then its bytes ({@link java.io.EOFException} if the stream ends early).
   */
  static byte[] readAfterMagic(InputStream in, LengthCheck check) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int length = data.readInt();
    if (length < 0) {
      throw new StreamCorruptedException("raw byte[] value of negative length " + length);
    }
    check.check(length);
    byte[] value = new byte[length];
    data.readFully(value);
    return value;
  }
}
