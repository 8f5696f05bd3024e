package io.swarmcast.serializer;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * {@link Serializer} over Kryo, for values that are not {@link java.io.Serializable} or where Java
 * serialization is too slow. Classes need not be registered. Kryo instances are not thread-safe, so
 * each thread gets its own. Thread-safe.
 */
public final class KryoSerializer implements Serializer {
  private final ThreadLocal<Kryo> kryos = ThreadLocal.withInitial(KryoSerializer::newKryo);

  private static Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(false);
    kryo.setReferences(true);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    return kryo;
  }

  @Override
  public String name() {
    return "kryo";
  }

  @Override
  public void serialize(Object value, OutputStream out) throws IOException {
    Output output = new Output(out, 64 * 1024);
    kryos.get().writeClassAndObject(output, value);
    output.flush();
  }

  @Override
  public Object deserialize(InputStream in, ClassLoader loader) throws IOException {
    Kryo kryo = kryos.get();
    ClassLoader previous = kryo.getClassLoader();
    kryo.setClassLoader(loader);
    try {
      return kryo.readClassAndObject(new Input(in, 64 * 1024));
    } catch (RuntimeException e) {
      throw new IOException("kryo could not read the broadcast value: " + e.getMessage(), e);
    } finally {
      kryo.setClassLoader(previous);
    }
  }
}
