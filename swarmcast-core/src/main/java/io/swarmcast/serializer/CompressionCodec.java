package io.swarmcast.serializer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import io.swarmcast.conf.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import net.jpountz.lz4.LZ4BlockInputStream;

/**
 * The codecs a serialized broadcast value may be compressed with before it is cut into pieces.
 * Stateless; every stream it returns belongs to one caller.
 */
public enum CompressionCodec {
  /** Fast, modest ratio; the default. */
  LZ4("lz4") {
    @Override
    public OutputStream compress(OutputStream out) {
      return new Lz4SizedOutputStream(out, 256 * 1024);
    }

    @Override
    public InputStream decompress(InputStream in) {
      return LZ4BlockInputStream.newBuilder().build(in);
    }
  },
  /** Slower, better ratio; worth it on slow links. */
  ZSTD("zstd") {
    @Override
    public OutputStream compress(OutputStream out) throws IOException {
      return new ZstdOutputStream(out, 1);
    }

    @Override
    public InputStream decompress(InputStream in) throws IOException {
      return new ZstdInputStream(in);
    }
  },
  /** No compression; for values that are already compressed or random. */
  NONE("none") {
    @Override
    public OutputStream compress(OutputStream out) {
      return out;
    }

    @Override
    public InputStream decompress(InputStream in) {
      return in;
    }
  };

  private final String shortName;

  CompressionCodec(String shortName) {
    this.shortName = shortName;
  }

  public String shortName() {
    return shortName;
  }

  /**
   * Wraps {@code out}; closing the returned stream finishes the compressed stream and closes {@code
   * out}.
   */
  public abstract OutputStream compress(OutputStream out) throws IOException;

  public abstract InputStream decompress(InputStream in) throws IOException;

  /** The codec called {@code name}, or an exception listing the valid names. */
  public static CompressionCodec byName(String name) {
    for (CompressionCodec c : values()) {
      if (c.shortName.equalsIgnoreCase(name.trim())) {
        return c;
      }
    }
    throw new ConfigException("unknown compression codec '" + name + "'; valid: lz4, zstd, none");
  }
}
