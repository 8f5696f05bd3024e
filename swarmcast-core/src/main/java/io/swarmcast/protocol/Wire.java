package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Field codecs shared by the messages, each with its bound checked before anything is allocated.
 *
 * <pre>
 * string: &lt;u16 length&gt;&lt;UTF-8 bytes&gt;          (at most {@value #MAX_STRING_BYTES} bytes)
 * bitset: &lt;i32 bit count&gt;&lt;ceil(count/8) bytes, little-endian bit order&gt;  (at most {@value #MAX_PIECES} bits)
 * bytes:  &lt;i32 length&gt;&lt;bytes&gt;                (at most the frame that carries them)
 * host:   &lt;u8 4&gt;&lt;4 bytes&gt;                 (an IPv4 address, as "10.1.39.16" writes it)
 *       | &lt;u8 0&gt;&lt;string&gt;                  (anything else: a name, an IPv6 address)
 * </pre>
 *
 * <p>A host is an IPv4 address in dotted-decimal form without leading zeros, or kept as it is
 * written; either way it reads back as the same string. The tracker's names and every {@code Have}
 * between neighbours carry one, and "10.1.39.16" as a string took 12 bytes where 5 do.
 */
final class Wire {
  /** Longest string field: host names and error messages. */
  static final int MAX_STRING_BYTES = 8 * 1024;

  /** Most pieces one broadcast may have: 16 TiB at 4 MiB pieces. */
  static final int MAX_PIECES = 1 << 22;

  private Wire() {}

  static void writeString(ByteBuf out, String s) {
    byte[] b = utf8(s);
    out.writeShort(b.length);
    out.writeBytes(b);
  }

  static int stringLength(String s) {
    return 2 + utf8(s).length;
  }

  /** UTF-8 of {@code s}, cut to at most MAX_STRING_BYTES without splitting a character. */
  private static byte[] utf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length <= MAX_STRING_BYTES) {
      return b;
    }
    int end = MAX_STRING_BYTES;
    while (end > 0 && (b[end] & 0xC0) == 0x80) {
      end--; // b[end] continues a character that started before it: cut before that character
    }
    return Arrays.copyOf(b, end);
  }

  static String readString(ByteBuf in) {
    int len = in.readUnsignedShort();
    if (len > MAX_STRING_BYTES) {
      throw new ProtocolException("string of " + len + " bytes exceeds " + MAX_STRING_BYTES);
    }
    checkReadable(in, len, "string");
    String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
    in.skipBytes(len);
    return s;
  }

  static void writeBitSet(ByteBuf out, BitSet bits, int count) {
    out.writeInt(count);
    byte[] bytes = bits.toByteArray();
    int n = (count + 7) / 8;
    out.writeBytes(bytes, 0, Math.min(n, bytes.length));
    out.writeZero(Math.max(0, n - bytes.length));
  }

  static int bitSetLength(int count) {
    return 4 + (count + 7) / 8;
  }

  static BitSet readBitSet(ByteBuf in) {
    int count = in.readInt();
    if (count < 0 || count > MAX_PIECES) {
      throw new ProtocolException(
          "bit set of " + count + " bits is out of range [0, " + MAX_PIECES + "]");
    }
    int n = (count + 7) / 8;
    checkReadable(in, n, "bit set");
    byte[] bytes = new byte[n];
    in.readBytes(bytes);
    BitSet bits = BitSet.valueOf(bytes);
    if (bits.length() > count) {
      throw new ProtocolException(
          "bit set has bit " + (bits.length() - 1) + " set beyond its count " + count);
    }
    return bits;
  }

  static byte[] readBytes(ByteBuf in) {
    int len = in.readInt();
    if (len < 0) {
      throw new ProtocolException("negative byte-array length " + len);
    }
    checkReadable(in, len, "byte array");
    byte[] b = new byte[len];
    in.readBytes(b);
    return b;
  }

  static int checkPiece(int piece) {
    if (piece < 0 || piece >= MAX_PIECES) {
      throw new ProtocolException(
          "piece index " + piece + " is out of range [0, " + MAX_PIECES + ")");
    }
    return piece;
  }

  static int checkPort(int port) {
    if (port < 0 || port > 65535) {
      throw new ProtocolException("port " + port + " is out of range");
    }
    return port;
  }

  private static final int HOST_STRING = 0;
  private static final int HOST_IPV4 = 4;

  static void writeHost(ByteBuf out, String host) {
    long v = ipv4(host);
    if (v >= 0) {
      out.writeByte(HOST_IPV4).writeInt((int) v);
    } else {
      out.writeByte(HOST_STRING);
      writeString(out, host);
    }
  }

  static int hostLength(String host) {
    return ipv4(host) >= 0 ? 1 + 4 : 1 + stringLength(host);
  }

  static String readHost(ByteBuf in) {
    checkReadable(in, 1, "host");
    int kind = in.readUnsignedByte();
    if (kind == HOST_STRING) {
      return readString(in);
    }
    if (kind != HOST_IPV4) {
      throw new ProtocolException("unknown host kind " + kind + " (0: a string, 4: IPv4)");
    }
    checkReadable(in, 4, "IPv4 host");
    int v = in.readInt();
    return (v >>> 24) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }

  /**
   * The address {@code host} names if it is four decimal numbers of 0 to 255 without leading zeros
   * (so that it reads back as the same string); -1 otherwise.
   */
  static long ipv4(String host) {
    int n = host.length();
    if (n < 7 || n > 15) {
      return -1;
    }
    long v = 0;
    int part = 0;
    int digits = 0;
    int parts = 0;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? host.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || part > 255 || ++parts > 4) {
          return -1;
        }
        v = (v << 8) | part;
        part = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits == 1 && part == 0) {
          return -1; // a leading zero: "010" would read back as "10"
        }
        part = part * 10 + (c - '0');
        digits++;
        if (digits > 3) {
          return -1;
        }
      } else {
        return -1;
      }
    }
    return parts == 4 ? v : -1;
  }

  private static void checkReadable(ByteBuf in, int len, String what) {
    if (in.readableBytes() < len) {
      throw new ProtocolException(
          what + " of " + len + " bytes but only " + in.readableBytes() + " remain in the frame");
    }
  }
}
