package io.swarmcast.serializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class SerializerTest {

  /** A Serializable record, the typical shape of a broadcast value. */
  record Model(String name, int version, double[] weights) implements Serializable {}

  /** A Serializable POJO with mutable state and a collection. */
  static final class Lookup implements Serializable {
    private static final long serialVersionUID = 1L;
    final Map<String, Integer> ids = new HashMap<>();
    String label;
  }

  /** Not Serializable, and without a no-argument constructor: only Kryo can carry it. */
  static final class Opaque {
    final String name;
    final List<Integer> values;
    Opaque self;

    Opaque(String name, List<Integer> values) {
      this.name = name;
      this.values = values;
    }
  }

  static Stream<Serializer> serializers() {
    // Kryo requires registration by default: this test's own classes are registered, as a user
    // would.
    return Stream.of(
        new JavaSerializer(), new KryoSerializer(true, List.of(Model.class, Lookup.class)));
  }

  private static Object roundTrip(Serializer serializer, Object value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serializer.serialize(value, out);
    return serializer.deserialize(
        new ByteArrayInputStream(out.toByteArray()), SerializerTest.class.getClassLoader());
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsAByteArray(Serializer serializer) throws IOException {
    byte[] value = new byte[100_000];
    new Random(1).nextBytes(value);
    Object back = roundTrip(serializer, value);
    assertThat(back).isInstanceOf(byte[].class);
    assertThat((byte[]) back).isEqualTo(value).isNotSameAs(value);
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsAnEmptyByteArray(Serializer serializer) throws IOException {
    assertThat((byte[]) roundTrip(serializer, new byte[0])).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsAHashMap(Serializer serializer) throws IOException {
    HashMap<String, Object> value = new HashMap<>();
    value.put("answer", 42);
    value.put("pi", 3.14159);
    value.put("list", new ArrayList<>(List.of("a", "b", "c")));
    value.put("nested", new HashMap<>(Map.of("k", 7L)));
    value.put("null", null);
    Object back = roundTrip(serializer, value);
    assertThat(back).isInstanceOf(HashMap.class).isEqualTo(value).isNotSameAs(value);
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsARecord(Serializer serializer) throws IOException {
    Model value = new Model("resnet", 3, new double[] {0.5, -1.25, 1e-9});
    Model back = (Model) roundTrip(serializer, value);
    assertThat(back.name()).isEqualTo("resnet");
    assertThat(back.version()).isEqualTo(3);
    assertThat(back.weights()).containsExactly(0.5, -1.25, 1e-9);
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsAPojo(Serializer serializer) throws IOException {
    Lookup value = new Lookup();
    value.ids.put("alice", 1);
    value.ids.put("bob", 2);
    value.label = "users";
    Lookup back = (Lookup) roundTrip(serializer, value);
    assertThat(back.ids).isEqualTo(value.ids);
    assertThat(back.label).isEqualTo("users");
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void roundTripsNull(Serializer serializer) throws IOException {
    assertThat(roundTrip(serializer, null)).isNull();
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void serializeDoesNotCloseTheStream(Serializer serializer) throws IOException {
    ClosingTrackingOutputStream out = new ClosingTrackingOutputStream();
    serializer.serialize("value", out);
    assertThat(out.closed).isFalse();
    assertThat(out.size()).isPositive();
  }

  @Test
  void kryoRoundTripsANonSerializableClassWithoutANoArgConstructor() throws IOException {
    Opaque value = new Opaque("weights", new ArrayList<>(List.of(1, 2, 3)));
    value.self = value;
    Opaque back = (Opaque) roundTrip(new KryoSerializer(true, List.of(Opaque.class)), value);
    assertThat(back.name).isEqualTo("weights");
    assertThat(back.values).containsExactly(1, 2, 3);
    assertThat(back.self).as("cyclic reference is preserved").isSameAs(back);
  }

  @Test
  void javaRejectsANonSerializableClass() {
    Opaque value = new Opaque("x", List.of());
    assertThatThrownBy(() -> new JavaSerializer().serialize(value, new ByteArrayOutputStream()))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining(Opaque.class.getName());
  }

  @ParameterizedTest
  @MethodSource("serializers")
  void garbageInputIsAnIOException(Serializer serializer) {
    byte[] garbage = {(byte) 0xAC, (byte) 0xED, 0, 5, 0x7F, 0x7F, 0x7F, 0x7F, 0x11, 0x22};
    assertThatThrownBy(
            () ->
                serializer.deserialize(
                    new ByteArrayInputStream(garbage), getClass().getClassLoader()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void kryoIsUsableFromManyThreads() throws Exception {
    KryoSerializer kryo = new KryoSerializer();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int seed = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200; i++) {
                    Map<String, Integer> value = Map.of("t", seed, "i", i);
                    assertThat(roundTrip(kryo, new HashMap<>(value))).isEqualTo(value);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void byNameFindsBothSerializersCaseInsensitively() {
    assertThat(Serializers.byName("java")).isInstanceOf(JavaSerializer.class);
    assertThat(Serializers.byName("JAVA")).isInstanceOf(JavaSerializer.class);
    assertThat(Serializers.byName(" kryo ")).isInstanceOf(KryoSerializer.class);
    assertThat(Serializers.byName("Kryo")).isSameAs(Serializers.byName("kryo"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "kryo"})
  void nameIsWhatByNameAccepts(String name) {
    assertThat(Serializers.byName(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"protobuf", "", "javaa"})
  void byNameRejectsUnknownNamesListingTheValidOnes(String name) {
    assertThatThrownBy(() -> Serializers.byName(name))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + name + "'")
        .hasMessageContaining("java")
        .hasMessageContaining("kryo");
  }

  private static final class ClosingTrackingOutputStream extends ByteArrayOutputStream {
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  /** Serializable, in a package a filter can refuse. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    final String payload = "calc";
  }

  @Test
  void javaReadsThroughItsFilterAndNamesItWhenItRefuses() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new JavaSerializer().serialize(new ArrayList<>(List.of(new Gadget())), bytes);

    Object allowed =
        new JavaSerializer()
            .deserialize(
                new ByteArrayInputStream(bytes.toByteArray()), getClass().getClassLoader());
    Assertions.assertThat(allowed).isInstanceOf(ArrayList.class);

    JavaSerializer strict = new JavaSerializer("java.util.*;java.lang.*;!*");
    Assertions.assertThatThrownBy(
            () ->
                strict.deserialize(
                    new ByteArrayInputStream(bytes.toByteArray()), getClass().getClassLoader()))
        .isInstanceOf(InvalidClassException.class)
        .hasMessageContaining("swarmcast.serializer.java.filter refuses")
        .hasMessageContaining("!*");
  }

  @Test
  void aFilterThatDoesNotParseIsAConfigurationErrorWhenSet() {
    Assertions.assertThatThrownBy(
            () -> new SwarmConf().set("swarmcast.serializer.java.filter", "maxdepth=abc"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.serializer.java.filter");
    Assertions.assertThat(
            Serializers.forReading(
                "java", new SwarmConf().set("swarmcast.serializer.java.filter", "java.util.*;!*")))
        .isInstanceOf(JavaSerializer.class);
  }

  @Test
  void kryoRefusesToWriteAnUnregisteredClassNamingItAndTheKey() {
    Opaque value = new Opaque("x", new ArrayList<>());
    assertThatThrownBy(() -> new KryoSerializer().serialize(value, new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(
            "kryo cannot write class " + Opaque.class.getName() + ": it is not registered")
        .hasMessageContaining("swarmcast.serializer.kryo.classesToRegister");
  }

  @Test
  void kryoRefusesToReadAClassThisNodeDidNotRegister() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new KryoSerializer(true, List.of(Opaque.class))
        .serialize(new Opaque("x", new ArrayList<>()), out);
    assertThatThrownBy(
            () ->
                new KryoSerializer()
                    .deserialize(
                        new ByteArrayInputStream(out.toByteArray()), getClass().getClassLoader()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unregistered class ID")
        .hasMessageContaining("swarmcast.serializer.kryo.classesToRegister");
  }

  @Test
  void kryoTakesItsRegistrationFromTheConfiguration() throws IOException {
    SwarmConf conf =
        new SwarmConf()
            .set(
                SwarmConf.KRYO_CLASSES,
                " " + Opaque.class.getName() + " , " + Lookup.class.getName());
    Opaque back =
        (Opaque)
            roundTrip(
                Serializers.forReading("kryo", conf), new Opaque("y", new ArrayList<>(List.of(4))));
    assertThat(back.values).containsExactly(4);

    SwarmConf open = new SwarmConf().set(SwarmConf.KRYO_REGISTRATION_REQUIRED, "false");
    assertThat(
            ((Opaque)
                    roundTrip(
                        Serializers.forReading("kryo", open), new Opaque("z", new ArrayList<>())))
                .name)
        .isEqualTo("z");

    SwarmConf typo = new SwarmConf().set(SwarmConf.KRYO_CLASSES, "com.example.NoSuchModel");
    assertThatThrownBy(() -> Serializers.forReading("kryo", typo))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot load class 'com.example.NoSuchModel'");
  }
}
