package io.swarmcast.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The command line's one task: "read this broadcast on N threads and check its XXH64 digest". The
 * driver ships it to each executor as an opaque {@code RunTask} payload.
 *
 * <pre>
 * reset:   &lt;u8 'R'&gt;  (collect garbage and restart the heap peak; answered with no bytes)
 * cpu:     &lt;u8 'C'&gt;  (answered with &lt;i64 CPU nanoseconds this process used so far, -1 if unknown&gt;)
 * pid:     &lt;u8 'P'&gt;  (answered with &lt;i64 this process's id&gt;: the demo finds the process of each executor id)
 * request: &lt;u8 version=3&gt;&lt;i32 threads&gt;&lt;8 bytes XXH64 digest&gt;&lt;i32 handle length&gt;&lt;Java-serialized Broadcast handle&gt;
 * result:  &lt;u8 verified&gt;&lt;i64 readNanos&gt;&lt;i64 verifyNanos&gt;&lt;i64 fromDriverBytes&gt;&lt;i64 fromPeersBytes&gt;&lt;i64 peakHeapBytes&gt;
 *          &lt;i64 corruptPieces&gt;&lt;UTF error&gt;
 * </pre>
 *
 * The handle is the only Java-serialized part: it is the application's payload, as it would be in
 * the user's own RPC, and the executor reads it through a filter that admits only Swarmcast's
 * handle classes.
 */
record ReadTask(int threads, byte[] digest, byte[] handle) {
  /** 3: the result carries the pieces that failed their checksum. */
  static final int VERSION = 3;

  /** The whole payload of a reset request. */
  static final byte[] RESET = {'R'};

  /** The whole payload of a CPU-time request. */
  static final byte[] CPU = {'C'};

  /** The whole payload of a process-id request. */
  static final byte[] PID = {'P'};

  ReadTask {
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("threads out of range [1, 256]: " + threads);
    }
    if (digest.length != 8) {
      throw new IllegalArgumentException("digest must be 8 bytes");
    }
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(handle.length + 48);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(threads);
      out.write(digest);
      out.writeInt(handle.length);
      out.write(handle);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static ReadTask decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("read task version " + version + " is not supported");
    }
    int threads = in.readInt();
    byte[] digest = in.readNBytes(8);
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IOException("handle length " + len + " exceeds the payload");
    }
    return new ReadTask(threads, digest, in.readNBytes(len));
  }

  /**
   * What one executor reports back.
   *
   * @param corruptPieces pieces received during the read that failed their checksum and were
   *     fetched again
   */
  record Result(
      boolean verified,
      long readNanos,
      long verifyNanos,
      long fromDriverBytes,
      long fromPeersBytes,
      long peakHeapBytes,
      long corruptPieces,
      String error) {
    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeBoolean(verified);
        out.writeLong(readNanos);
        out.writeLong(verifyNanos);
        out.writeLong(fromDriverBytes);
        out.writeLong(fromPeersBytes);
        out.writeLong(peakHeapBytes);
        out.writeLong(corruptPieces);
        out.writeUTF(error.length() > 4000 ? error.substring(0, 4000) : error);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static Result decode(byte[] payload) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
      return new Result(
          in.readBoolean(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          in.readLong(),
          in.readUTF());
    }
  }
}
