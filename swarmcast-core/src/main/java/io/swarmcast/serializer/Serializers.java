package io.swarmcast.serializer;

import io.swarmcast.conf.ConfigException;

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
  private static final java.util.Map<String, KryoSerializer> KRYOS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The serializer {@code name} for reading or writing values on a node configured with {@code
   * conf}: Java serialization through that node's {@code swarmcast.serializer.java.filter}; Kryo
   * with its {@code swarmcast.serializer.kryo.*} registration settings; {@value
   * ByteArraySerializer#NAME}, which a handle names for a byte[] value, through the same filter as
   * Java serialization.
   */
  public static Serializer forReading(String name, io.swarmcast.conf.SwarmConf conf) {
    String n = name.trim().toLowerCase(java.util.Locale.ROOT);
    if (n.equals("kryo")) {
      String key =
          conf.get(io.swarmcast.conf.SwarmConf.KRYO_REGISTRATION_REQUIRED)
              + "|"
              + conf.get(io.swarmcast.conf.SwarmConf.KRYO_CLASSES);
      return KRYOS.computeIfAbsent(key, k -> KryoSerializer.fromConf(conf));
    }
    String pattern = conf.get(io.swarmcast.conf.SwarmConf.JAVA_FILTER);
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
    return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
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
