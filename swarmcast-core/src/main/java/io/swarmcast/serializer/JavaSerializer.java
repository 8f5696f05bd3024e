package io.swarmcast.serializer;

import io.swarmcast.conf.SwarmConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;

/**
 * {@link Serializer} over {@code java.io} serialization; values must be {@link
 * java.io.Serializable}. Reading goes through an {@link ObjectInputFilter} ({@code
 * swarmcast.serializer.java.filter}), so bytes from the network cannot instantiate what the filter
 * refuses. Thread-safe.
 */
public final class JavaSerializer implements Serializer {
  /**
   * The default filter: bounds on depth and references, and the packages of the well-known
   * deserialization gadget chains refused. Everything else is allowed (broadcast values are the
   * application's own types); a cluster that knows its types should allow-list them instead.
   */
  public static final String DEFAULT_FILTER = SwarmConf.DEFAULT_JAVA_FILTER;

  private final ObjectInputFilter filter;
  private final String pattern;

  /** With {@link #DEFAULT_FILTER}. */
  public JavaSerializer() {
    this(DEFAULT_FILTER);
  }

  /**
   * With the filter {@code pattern} in the JDK's syntax ({@link
   * ObjectInputFilter.Config#createFilter}).
   */
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
    ObjectOutputStream oos = new ObjectOutputStream(out);
    oos.writeObject(value);
    oos.flush();
  }

  @Override
  public Object deserialize(InputStream in, ClassLoader loader) throws IOException {
    try (ObjectInputStream ois = new LoaderObjectInputStream(in, loader)) {
      ois.setObjectInputFilter(filter);
      return ois.readObject();
    } catch (InvalidClassException e) {
      throw new InvalidClassException(
          "the broadcast value holds a class that swarmcast.serializer.java.filter refuses ("
              + e.getMessage()
              + "); filter: "
              + pattern);
    } catch (ClassNotFoundException e) {
      throw new IOException(
          "class of the broadcast value is not on this node's classpath: " + e.getMessage(), e);
    }
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
