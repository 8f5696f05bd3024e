package io.swarmcast.serializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;

/** {@link Serializer} over {@code java.io} serialization; values must be {@link java.io.Serializable}. Thread-safe. */
public final class JavaSerializer implements Serializer {
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
      return ois.readObject();
    } catch (ClassNotFoundException e) {
      throw new IOException("class of the broadcast value is not on this node's classpath: " + e.getMessage(), e);
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
