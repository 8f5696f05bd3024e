package io.swarmcast.serializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.SequenceInputStream;

/**
 * {@link Serializer} over {@code java.io} serialization; values must be {@link java.io.Serializable}.
 * Reading goes through an {@link ObjectInputFilter} ({@code swarmcast.serializer.java.filter}), so
 * bytes from the network cannot instantiate what the filter refuses. Thread-safe.
 *
 * <p>A value that is a {@code byte[]} is written raw ({@link RawBytes}: why, and its layout). A Java
 * serialization stream always starts with {@code 0xACED}, so the two cannot be confused. The filter
 * still decides, combined with the JVM's own ({@code jdk.serialFilter}, {@code jdk.serialFilterFactory})
 * as {@code ObjectInputStream} combines them: it sees a {@code byte[]} of that length at depth 1, so
 * {@code maxarray} bounds it.
 */
public final class JavaSerializer implements Serializer {
  /**
   * The default filter: bounds on depth and references, and the packages of the well-known
   * deserialization gadget chains refused. Everything else is allowed (broadcast values are the
   * application's own types); a cluster that knows its types should allow-list them instead.
   */
  public static final String DEFAULT_FILTER = io.swarmcast.conf.SwarmConf.DEFAULT_JAVA_FILTER;

  private final ObjectInputFilter filter;
  private final String pattern;

  /** With {@link #DEFAULT_FILTER}. */
  public JavaSerializer() {
    this(DEFAULT_FILTER);
  }

  /** With the filter {@code pattern} in the JDK's syntax ({@link ObjectInputFilter.Config#createFilter}). */
  public JavaSerializer(String pattern) {
    this.pattern = pattern;
    this.filter = ObjectInputFilter.Config.createFilter(pattern);
  }

  @Override
  public String name() {
    return "java";
  }

  @Override
  public void serialize(Object value, OutputStream out) throws IOException {
    if (value instanceof byte[] bytes) {
      RawBytes.write(bytes, out);
      return;
    }
    ObjectOutputStream oos = new ObjectOutputStream(out);
    oos.writeObject(value);
    oos.flush();
  }

  @Override
  public Object deserialize(InputStream in, ClassLoader loader) throws IOException {
    byte[] head = in.readNBytes(4);
    if (RawBytes.isRaw(head)) {
      return RawBytes.readAfterMagic(in, this::checkRawLength);
    }
    // Not raw: a Java serialization stream, whose first bytes were just read.
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), in);
    try (ObjectInputStream ois = new LoaderObjectInputStream(whole, loader)) {
      ois.setObjectInputFilter(filter);
      return ois.readObject();
    } catch (java.io.InvalidClassException e) {
      throw new java.io.InvalidClassException("the broadcast value holds a class that swarmcast.serializer.java.filter refuses ("
          + e.getMessage() + "); filter: " + pattern);
    } catch (ClassNotFoundException e) {
      throw new IOException("class of the broadcast value is not on this node's classpath: " + e.getMessage(), e);
    }
  }

  /** The filter's verdict on a raw byte[] of {@code length}, as ObjectInputStream would reach it. */
  private void checkRawLength(int length) throws IOException {
    // As ObjectInputStream does: the JVM-wide filter factory combines the JVM's filter with ours.
    java.util.function.BinaryOperator<ObjectInputFilter> factory = ObjectInputFilter.Config.getSerialFilterFactory();
    ObjectInputFilter effective = factory.apply(factory.apply(null, ObjectInputFilter.Config.getSerialFilter()), filter);
    ObjectInputFilter.Status status = effective == null ? ObjectInputFilter.Status.UNDECIDED
        : effective.checkInput(new RawBytesInfo(length));
    if (status == null || status == ObjectInputFilter.Status.REJECTED) {
      throw new java.io.InvalidClassException("the broadcast value, a byte[" + length
          + "], is refused by swarmcast.serializer.java.filter: " + pattern);
    }
  }

  /**
   * What the filter is shown for a raw byte[]: its class, length, depth and references as
   * ObjectInputStream would show them; the stream's bytes so far are the header's 8.
   */
  private record RawBytesInfo(long arrayLength) implements ObjectInputFilter.FilterInfo {
    @Override
    public Class<?> serialClass() {
      return byte[].class;
    }

    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 1;
    }

    @Override
    public long streamBytes() {
      return RawBytes.HEADER_BYTES;
    }
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
