package io.swarmcast.cli;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.swarm.TransferStats;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code swarmcast send}'s task: "fetch this file broadcast, and put the file in your output
 * directory". The driver ships it to each executor as an opaque {@code RunTask} payload.
 *
 * <pre>
 * request: &lt;u8 'F'&gt;&lt;u8 version=1&gt;&lt;i32 handle length&gt;&lt;Java-serialized Broadcast&lt;Path&gt; handle&gt;
 * result:  &lt;u8 verified&gt;&lt;i64 nanos&gt;&lt;i64 fromDriverBytes&gt;&lt;i64 fromPeersBytes&gt;&lt;UTF where or why not&gt;
 * </pre>
 *
 * On the executor the file is verified (its pieces' checksums and the whole SHA-256, see {@code
 * BroadcastManager.broadcastFile}) and then, with {@code executor --out DIR}, placed in DIR
 * atomically: linked (or, across file systems, copied) to a hidden temporary name in DIR and
 * renamed, so DIR never shows a partial file under the final name.
 */
final class FileTask {
  static final byte KIND = 'F';
  static final int VERSION = 1;

  private FileTask() {}

  static byte[] encode(byte[] handle) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(handle.length + 8);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(KIND);
      out.writeByte(VERSION);
      out.writeInt(handle.length);
      out.write(handle);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static boolean isFileTask(byte[] payload) {
    return payload.length > 0 && payload[0] == KIND;
  }

  static byte[] decodeHandle(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    in.readByte();
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("file task version " + version + " is not supported");
    }
    int len = in.readInt();
    if (len < 0 || len > in.available()) {
      throw new IOException("handle length " + len + " exceeds the payload");
    }
    return in.readNBytes(len);
  }

  /**
   * What one executor reports: whether it verified the file, how long it took, where its bytes came
   * from.
   */
  record Result(
      boolean verified, long nanos, long fromDriverBytes, long fromPeersBytes, String detail) {
    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeBoolean(verified);
        out.writeLong(nanos);
        out.writeLong(fromDriverBytes);
        out.writeLong(fromPeersBytes);
        out.writeUTF(detail.length() > 4000 ? detail.substring(0, 4000) : detail);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static Result decode(byte[] payload) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
      return new Result(
          in.readBoolean(), in.readLong(), in.readLong(), in.readLong(), in.readUTF());
    }
  }

  /**
   * Executor side: fetches and verifies the file, places it in {@code outDir} if not null, and
   * reports.
   */
  static Result run(ExecutorNode node, byte[] payload, Path outDir) throws Exception {
    Broadcast<?> b = ReadTaskHandler.deserialize(decodeHandle(payload));
    TransferStats.Counters counters =
        node.stats().of(b.id()); // live counters: read them now and after
    long fromDriver0 = counters.fromDriverBytes();
    long fromPeers0 = counters.fromPeersBytes();
    long t0 = System.nanoTime();
    String detail;
    boolean verified;
    try {
      if (!(b.value() instanceof Path fetched)) {
        throw new IOException(b + " is not a file broadcast");
      }
      detail = outDir == null ? fetched.toString() : place(fetched, outDir).toString();
      verified = true;
    } catch (Exception e) {
      detail = e.getMessage() != null ? e.getMessage() : e.toString();
      verified = false;
    }
    long nanos = System.nanoTime() - t0;
    return new Result(
        verified,
        nanos,
        counters.fromDriverBytes() - fromDriver0,
        counters.fromPeersBytes() - fromPeers0,
        detail);
  }

  /** Puts {@code file} into {@code dir} under its own name, atomically; returns the final path. */
  static Path place(Path file, Path dir) throws IOException {
    Files.createDirectories(dir);
    String name = file.getFileName().toString();
    int dash = name.indexOf('-'); // the node's copy is named <broadcast id>-<name>
    String finalName = dash >= 0 ? name.substring(dash + 1) : name;
    Path target = dir.resolve(finalName);
    Path tmp =
        dir.resolve(
            "."
                + finalName
                + ".swarmcast-"
                + ProcessHandle.current().pid()
                + "-"
                + System.nanoTime());
    try {
      try {
        Files.createLink(
            tmp, file); // same file system: no copy, and the node may delete its own name later
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(file, tmp, StandardCopyOption.COPY_ATTRIBUTES);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + tmp + " to " + target + " atomically", e);
      }
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
