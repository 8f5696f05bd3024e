package io.swarmcast.serializer;

import io.swarmcast.conf.ConfigException;

/** Looks serializers up by the short name used in configuration and in broadcast handles. */
public final class Serializers {
  private static final JavaSerializer JAVA = new JavaSerializer();

  private Serializers() {}

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
