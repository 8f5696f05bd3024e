package io.swarmcast.serializer;

import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Looks serializers up by the short name used in configuration and in broadcast handles. */
public final class Serializers {
  private static final JavaSerializer JAVA = new JavaSerializer();
  private static final ByteArraySerializer BYTES =
      new ByteArraySerializer(JavaSerializer.DEFAULT_FILTER);

  private Serializers() {}

  /**
   * Kryo serializers by their registration settings: building one per read would rebuild its Kryo
   * instances.
   */
  private static final Map<String, KryoSerializer> KRYOS = new ConcurrentHashMap<>();

  /**
   * The serializer {@code name} for reading or writing values on a node configured with {@code
   * conf}: Java serialization through that node's {@code swarmcast.serializer.java.filter}; Kryo
   * with its {@code swarmcast.serializer.kryo.*} registration settings; {@value
   * ByteArraySerializer#NAME}, which a handle names for a byte[] value, through the same filter as
   * Java serialization.
   */
  public static Serializer forReading(String name, SwarmConf conf) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("kryo")) {
      String key =
          conf.get(SwarmConf.KRYO_REGISTRATION_REQUIRED) + "|" + conf.get(SwarmConf.KRYO_CLASSES);
      return KRYOS.computeIfAbsent(key, k -> KryoSerializer.fromConf(conf));
    }
    String pattern = conf.get(SwarmConf.JAVA_FILTER);
    if (n.equals(ByteArraySerializer.NAME)) {
      return pattern.equals(JavaSerializer.DEFAULT_FILTER)
          ? BYTES
          : new ByteArraySerializer(pattern);
    }
    if (n.equals("java") && !pattern.equals(JavaSerializer.DEFAULT_FILTER)) {
      return new JavaSerializer(pattern);
    }
    return byName(name);
  }

  public static Serializer byName(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "java" -> JAVA;
      case "kryo" -> KryoHolder.KRYO;
      default -> throw new ConfigException("unknown serializer '" + name + "'; valid: java, kryo");
    };
  }

  /** Kryo is loaded only when asked for, so a node that never uses it never loads its classes. */
  private static final class KryoHolder {
    static final KryoSerializer KRYO = new KryoSerializer();
  }
}
