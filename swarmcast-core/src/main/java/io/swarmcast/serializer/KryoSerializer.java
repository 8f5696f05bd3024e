package io.swarmcast.serializer;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * {@link Serializer} over Kryo, for values that are not {@link java.io.Serializable} or where Java
 * serialization is too slow.
 *
 * <p>By default ({@code swarmcast.serializer.kryo.registrationRequired=true}) Kryo writes and reads
 * only registered classes, by number: a value read from the network cannot name an arbitrary class
 * for Kryo to instantiate (Kryo's own advice for untrusted input). Registered are {@link #DEFAULTS}
 * (arrays of primitives and strings, the JDK's common collections) and then {@code
 * swarmcast.serializer.kryo.classesToRegister} in its order; numbers follow the order, so every
 * node must list the same classes in the same order. Writing an unregistered class fails naming it
 * and the key to add it to. Kryo instances are not thread-safe, so each thread gets its own.
 * Thread-safe.
 */
public final class KryoSerializer implements Serializer {
  /** Registered first, always in this order (appending here changes no earlier number). */
  static final List<Class<?>> DEFAULTS =
      List.of(
          byte[].class,
          char[].class,
          short[].class,
          int[].class,
          long[].class,
          float[].class,
          double[].class,
          boolean[].class,
          String[].class,
          Object[].class,
          ArrayList.class,
          LinkedList.class,
          ArrayDeque.class,
          HashMap.class,
          LinkedHashMap.class,
          TreeMap.class,
          HashSet.class,
          LinkedHashSet.class,
          TreeSet.class,
          BigInteger.class,
          BigDecimal.class);

  private final boolean registrationRequired;
  private final List<Class<?>> registered;
  private final ThreadLocal<Kryo> kryos = ThreadLocal.withInitial(this::newKryo);

  /** Registration required, with {@link #DEFAULTS} only. */
  public KryoSerializer() {
    this(true, List.of());
  }

  /** {@code extra}: registered after {@link #DEFAULTS}, in this order. */
  public KryoSerializer(boolean registrationRequired, List<Class<?>> extra) {
    this.registrationRequired = registrationRequired;
    List<Class<?>> all = new ArrayList<>(DEFAULTS);
    all.addAll(extra);
    this.registered = List.copyOf(all);
  }

  /**
   * As {@code conf} says; a class of {@code classesToRegister} that cannot be loaded is a
   * configuration error.
   */
  public static KryoSerializer fromConf(SwarmConf conf) {
    List<Class<?>> extra = new ArrayList<>();
    for (String name : conf.get(SwarmConf.KRYO_CLASSES).split(",")) {
      String n = name.trim();
      if (n.isEmpty()) {
        continue;
      }
      try {
        extra.add(Class.forName(n, false, loader()));
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ConfigException(
            SwarmConf.KRYO_CLASSES.name() + ": cannot load class '" + n + "': " + e);
      }
    }
    return new KryoSerializer(conf.get(SwarmConf.KRYO_REGISTRATION_REQUIRED), extra);
  }

  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context != null ? context : KryoSerializer.class.getClassLoader();
  }

  private Kryo newKryo() {
    Kryo kryo = new Kryo();
    kryo.setRegistrationRequired(registrationRequired);
    kryo.setReferences(true);
    kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    for (Class<?> c : registered) {
      kryo.register(c);
    }
    return kryo;
  }

  @Override
  public String name() {
    return "kryo";
  }

  @Override
  public void serialize(Object value, OutputStream out) throws IOException {
    Output output = new Output(out, 64 * 1024);
    try {
      kryos.get().writeClassAndObject(output, value);
    } catch (KryoException | IllegalArgumentException e) {
      throw unregistered(e, "write");
    }
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
      throw unregistered(e, "read");
    } finally {
      kryo.setClassLoader(previous);
    }
  }

  /**
   * Kryo's "Class is not registered: com.example.Model" (or, reading, "unregistered class ID: 42"),
   * possibly deep in a serialization trace, turned into one message that names the class and the
   * fix.
   */
  private static IOException unregistered(RuntimeException e, String verb) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.startsWith("Class is not registered: ")) {
        String cls =
            m.substring("Class is not registered: ".length()).lines().findFirst().orElse("?");
        return new IOException(
            "kryo cannot "
                + verb
                + " class "
                + cls
                + ": it is not registered; add it to "
                + SwarmConf.KRYO_CLASSES.name()
                + " (the same list on every node) or set "
                + SwarmConf.KRYO_REGISTRATION_REQUIRED.name()
                + "=false",
            e);
      }
      if (m != null && m.contains("unregistered class ID")) {
        return new IOException(
            "kryo cannot "
                + verb
                + " the broadcast value: "
                + m.lines().findFirst().orElse(m)
                + " (the writer registered a class this node does not: compare "
                + SwarmConf.KRYO_CLASSES.name()
                + ")",
            e);
      }
    }
    return new IOException("kryo could not " + verb + " the broadcast value: " + e.getMessage(), e);
  }
}
