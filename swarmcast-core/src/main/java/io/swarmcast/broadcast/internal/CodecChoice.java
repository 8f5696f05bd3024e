package io.swarmcast.broadcast.internal;

import io.swarmcast.serializer.CompressionCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Compresses only what compresses. The first {@value #PROBE_BYTES} bytes the serializer writes are
 * held back and compressed once on the side; if that saves less than {@value #MIN_SAVING_PERCENT}
 * %, the whole value goes out raw ({@link CompressionCodec#NONE}), else through the configured
 * codec. The choice is recorded in the handle, so executors decompress (or not) accordingly.
 *
 * <p>Why: LZ4 over incompressible data (random bytes, images, models already compressed) spends CPU
 * on the driver and every executor for nothing: with the default {@code lz4}, a 128 MiB random
 * value costs one compression on the driver and one decompression per executor, which on a 2-core
 * host shared by many JVMs is time. The probe costs one compression of at most 256 KiB. Not
 * thread-safe.
 */
final class CodecChoice extends OutputStream {
  static final int PROBE_BYTES = 256 * 1024;
  static final int MIN_SAVING_PERCENT = 10;

  private final OutputStream raw;
  private final CompressionCodec wanted;
  private byte[] sample = new byte[4096];
  private int sampled;
  private OutputStream target;
  private CompressionCodec chosen;

  /** Writes to {@code raw}, through {@code wanted} if the value turns out to compress. */
  CodecChoice(OutputStream raw, CompressionCodec wanted) {
    this.raw = raw;
    this.wanted = wanted;
    if (wanted == CompressionCodec.NONE) {
      decide(CompressionCodec.NONE);
    }
  }

  /** The codec the value was written with; known once the probe is full or the stream closed. */
  CompressionCodec chosen() {
    if (chosen == null) {
      throw new IllegalStateException(
          "the codec is chosen after " + PROBE_BYTES + " bytes or at close");
    }
    return chosen;
  }

  @Override
  public void write(int b) throws IOException {
    if (target != null) {
      target.write(b); // once chosen, no array per byte
    } else {
      write(new byte[] {(byte) b}, 0, 1);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (target == null) {
      int take = Math.min(len, PROBE_BYTES - sampled);
      if (sampled + take > sample.length) {
        sample =
            Arrays.copyOf(
                sample, Math.min(PROBE_BYTES, Math.max(sampled + take, sample.length * 2)));
      }
      System.arraycopy(b, off, sample, sampled, take);
      sampled += take;
      off += take;
      len -= take;
      if (sampled < PROBE_BYTES) {
        return;
      }
      probe();
    }
    if (len > 0) {
      target.write(b, off, len);
    }
  }

  @Override
  public void flush() throws IOException {
    if (target != null) {
      target.flush();
    }
  }

  @Override
  public void close() throws IOException {
    if (target == null) {
      probe();
    }
    target.close();
  }

  private void probe() throws IOException {
    long compressed = compressedSize(sample, sampled);
    boolean worthIt = compressed * 100 <= (long) sampled * (100 - MIN_SAVING_PERCENT);
    decide(worthIt ? wanted : CompressionCodec.NONE);
    target.write(sample, 0, sampled);
    sample = null;
  }

  private void decide(CompressionCodec codec) {
    chosen = codec;
    try {
      target = codec.compress(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long compressedSize(byte[] data, int length) throws IOException {
    Counter counter = new Counter();
    try (OutputStream c = wanted.compress(counter)) {
      c.write(data, 0, length);
    }
    return counter.count;
  }

  /** Counts what is written and keeps none of it. */
  private static final class Counter extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
