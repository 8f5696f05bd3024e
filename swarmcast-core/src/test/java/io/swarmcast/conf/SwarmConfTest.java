package io.swarmcast.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(30)
class SwarmConfTest {

  @Test
  void everyDefaultIsValidAndIsWhatAnEmptyConfReturns() {
    SwarmConf conf = new SwarmConf();
    for (ConfKey<?> key : SwarmConf.keys()) {
      assertThat(conf.get(key)).as(key.name()).isEqualTo(key.defaultValue());
      assertThat(key.doc()).as(key.name() + " doc").isNotBlank();
    }
  }

  @Test
  void keysAreUniqueAndAllInTheSwarmcastNamespace() {
    List<ConfKey<?>> keys = SwarmConf.keys();
    Set<String> names = new HashSet<>();
    for (ConfKey<?> key : keys) {
      assertThat(key.name()).startsWith("swarmcast.");
      assertThat(names.add(key.name())).as("duplicate key " + key.name()).isTrue();
    }
    assertThat(keys)
        .contains(SwarmConf.BLOCK_SIZE, SwarmConf.FETCH_MAX_IN_FLIGHT, SwarmConf.AUTHENTICATE);
  }

  @Test
  void blockSizeAlwaysIsBelowTheDefaultMaxFrameSize() {
    // MAX_FRAME_SIZE must exceed blockSize: the largest block plus its frame header must fit the
    // default frame.
    SwarmConf conf = new SwarmConf().set(SwarmConf.BLOCK_SIZE, "64m");
    assertThat(conf.get(SwarmConf.MAX_FRAME_SIZE))
        .isGreaterThan(conf.get(SwarmConf.BLOCK_SIZE) + 64);
  }

  @Test
  void setByKeyAndReadBack() {
    SwarmConf conf = new SwarmConf();
    SwarmConf same =
        conf.set(SwarmConf.BLOCK_SIZE, "1m")
            .set(SwarmConf.FETCH_MAX_IN_FLIGHT, "16")
            .set(SwarmConf.BROADCAST_FACTORY, "direct");
    assertThat(same).isSameAs(conf);
    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(1L << 20);
    assertThat(conf.get(SwarmConf.FETCH_MAX_IN_FLIGHT)).isEqualTo(16);
    assertThat(conf.get(SwarmConf.BROADCAST_FACTORY)).isEqualTo("direct");
  }

  @Test
  void setByNameAndReadBackThroughTheKey() {
    SwarmConf conf =
        new SwarmConf()
            .set("swarmcast.broadcast.blockSize", "512k")
            .set("swarmcast.network.ioThreads", " 4 ")
            .set("swarmcast.serializer", "kryo");
    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(512L << 10);
    assertThat(conf.get(SwarmConf.IO_THREADS)).isEqualTo(4);
    assertThat(conf.get(SwarmConf.SERIALIZER)).isEqualTo("kryo");
  }

  @Test
  void laterSetOverridesEarlier() {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.FETCH_MAX_PER_PEER, "3")
            .set("swarmcast.fetch.maxPerPeer", "5");
    assertThat(conf.get(SwarmConf.FETCH_MAX_PER_PEER)).isEqualTo(5);
  }

  @Test
  void unknownKeyFailsListingTheKnownKeys() {
    SwarmConf conf = new SwarmConf();
    assertThatThrownBy(() -> conf.set("swarmcast.nope", "1"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.nope")
        .hasMessageContaining("swarmcast.broadcast.blockSize")
        .hasMessageContaining("swarmcast.fetch.maxInFlight")
        .hasMessageContaining("swarmcast.authenticate")
        .satisfies(
            e -> {
              for (ConfKey<?> key : SwarmConf.keys()) {
                assertThat(e.getMessage()).contains(key.name());
              }
            });
  }

  @Test
  void keyNamesAreCaseSensitive() {
    assertThatThrownBy(() -> new SwarmConf().set("swarmcast.broadcast.blocksize", "1m"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.broadcast.blocksize");
  }

  @ParameterizedTest(name = "{0} = \"{1}\" is rejected")
  @CsvSource({
    "swarmcast.broadcast.blockSize, 100",
    "swarmcast.broadcast.blockSize, 1023",
    "swarmcast.broadcast.blockSize, 65m",
    "swarmcast.broadcast.blockSize, 4x",
    "swarmcast.fetch.maxInFlight, 0",
    "swarmcast.fetch.maxInFlight, 1025",
    "swarmcast.fetch.maxInFlight, -3",
    "swarmcast.fetch.maxInFlight, eight",
    "swarmcast.fetch.maxPerPeer, 17",
    "swarmcast.driver.port, 65536",
    "swarmcast.executor.port, -1",
    "swarmcast.network.ioThreads, 0",
    "swarmcast.network.maxFrameSize, 1k",
    "swarmcast.network.maxFrameSize, 2g",
    "swarmcast.network.timeout, 0s",
    "swarmcast.network.timeout, -5s",
    "swarmcast.network.timeout, soon",
    "swarmcast.network.timeout, 1.5s",
    "swarmcast.network.timeout, 30",
    "swarmcast.broadcast.compress, gzip",
    "swarmcast.serializer, foo",
    "swarmcast.broadcast.factory, torrnet",
    "swarmcast.broadcast.factory, com.example.",
    "swarmcast.broadcast.factory, 'my factory'",
    "swarmcast.fetch.maxBadPieces, 0",
    "swarmcast.network.native, maybe",
    "swarmcast.authenticate, on",
  })
  void invalidValuesFailNamingTheKeyAndKeepThePreviousValue(String name, String value) {
    SwarmConf conf = new SwarmConf();
    ConfKey<?> key =
        SwarmConf.keys().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
    Object before = conf.get(key);
    assertThatThrownBy(() -> conf.set(name, value))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name);
    assertThat(conf.get(key)).isEqualTo(before);
  }

  @Test
  void aDurationWithoutAUnitIsAnErrorThatSuggestsUnits() {
    assertThatThrownBy(() -> new SwarmConf().set(SwarmConf.NETWORK_TIMEOUT, "30"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.network.timeout")
        .hasMessageContaining("'30' has no unit")
        .hasMessageContaining("30s");
  }

  @Test
  void codecSerializerAndFactoryAreCheckedWhenSetAndNameTheChoices() {
    assertThatThrownBy(() -> new SwarmConf().set("swarmcast.broadcast.compress", "gzip"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'gzip'")
        .hasMessageContaining("lz4, zstd, none");
    assertThatThrownBy(() -> new SwarmConf().set(SwarmConf.SERIALIZER, "foo"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'foo'")
        .hasMessageContaining("java, kryo");
    assertThatThrownBy(() -> new SwarmConf().set(SwarmConf.BROADCAST_FACTORY, "torrnet"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'torrnet'")
        .hasMessageContaining("torrent");
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.COMPRESS, " ZSTD ")
            .set(SwarmConf.BROADCAST_FACTORY, "com.example.MyFactory");
    assertThat(conf.get(SwarmConf.COMPRESS)).isEqualTo("zstd");
    assertThat(conf.get(SwarmConf.BROADCAST_FACTORY)).isEqualTo("com.example.MyFactory");
  }

  @Test
  void outOfRangeMessageNamesKeyValueAndRange() {
    assertThatThrownBy(() -> new SwarmConf().set(SwarmConf.BLOCK_SIZE, "100"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.broadcast.blockSize")
        .hasMessageContaining("'100'")
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> new SwarmConf().set(SwarmConf.FETCH_MAX_IN_FLIGHT, "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.fetch.maxInFlight")
        .hasMessageContaining("'0'")
        .hasMessageContaining("between 1 and 1024");
  }

  @Test
  void rangeBoundsAreInclusive() {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.BLOCK_SIZE, "1k")
            .set(SwarmConf.FETCH_MAX_IN_FLIGHT, "1")
            .set(SwarmConf.DRIVER_PORT, "65535");
    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(1024L);
    assertThat(conf.get(SwarmConf.FETCH_MAX_IN_FLIGHT)).isEqualTo(1);
    assertThat(conf.get(SwarmConf.DRIVER_PORT)).isEqualTo(65535);
    conf.set(SwarmConf.BLOCK_SIZE, "64m").set(SwarmConf.FETCH_MAX_IN_FLIGHT, "1024");
    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(64L << 20);
    assertThat(conf.get(SwarmConf.FETCH_MAX_IN_FLIGHT)).isEqualTo(1024);
  }

  @ParameterizedTest(name = "\"{0}\" = {1} ms")
  @CsvSource({
    "30s, 30000",
    "500ms, 500",
    "2m, 120000",
    "10S, 10000",
    "250MS, 250",
  })
  void durationsAcceptMsSecondsAndMinutes(String text, long millis) {
    SwarmConf conf = new SwarmConf().set(SwarmConf.NETWORK_TIMEOUT, text);
    assertThat(conf.get(SwarmConf.NETWORK_TIMEOUT)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "\"{0}\" = {1}")
  @CsvSource({
    "true, true",
    "TRUE, true",
    "yes, true",
    "1, true",
    "false, false",
    "False, false",
    "no, false",
    "0, false",
  })
  void booleansAcceptCommonSpellings(String text, boolean expected) {
    SwarmConf conf =
        new SwarmConf().set(SwarmConf.NATIVE_TRANSPORT, text).set("swarmcast.authenticate", text);
    assertThat(conf.get(SwarmConf.NATIVE_TRANSPORT)).isEqualTo(expected);
    assertThat(conf.get(SwarmConf.AUTHENTICATE)).isEqualTo(expected);
  }

  @Test
  void copyIsIndependentInBothDirections() {
    SwarmConf original =
        new SwarmConf().set(SwarmConf.BLOCK_SIZE, "1m").set(SwarmConf.SERIALIZER, "kryo");
    SwarmConf copy = original.copy();
    assertThat(copy).isNotSameAs(original);
    assertThat(copy.get(SwarmConf.BLOCK_SIZE)).isEqualTo(1L << 20);
    assertThat(copy.get(SwarmConf.SERIALIZER)).isEqualTo("kryo");

    copy.set(SwarmConf.BLOCK_SIZE, "2m");
    original.set(SwarmConf.COMPRESS, "zstd");

    assertThat(original.get(SwarmConf.BLOCK_SIZE)).isEqualTo(1L << 20);
    assertThat(copy.get(SwarmConf.BLOCK_SIZE)).isEqualTo(2L << 20);
    assertThat(original.get(SwarmConf.COMPRESS)).isEqualTo("zstd");
    assertThat(copy.get(SwarmConf.COMPRESS)).isEqualTo("lz4");
  }

  @Test
  void fromPropertiesTakesSwarmcastKeysAndIgnoresOthers() {
    Properties props = new Properties();
    props.setProperty("swarmcast.broadcast.blockSize", "1m");
    props.setProperty("swarmcast.network.timeout", "500ms");
    props.setProperty("spark.broadcast.blockSize", "not a size");
    props.setProperty("java.version", "17");
    props.setProperty("swarmcastish.key", "whatever");
    props.setProperty("SWARMCAST.nope", "x");

    SwarmConf conf = SwarmConf.fromProperties(props);

    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(1L << 20);
    assertThat(conf.get(SwarmConf.NETWORK_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
    assertThat(conf.get(SwarmConf.COMPRESS)).isEqualTo("lz4");
    assertThat(conf.toString())
        .doesNotContain("spark")
        .doesNotContain("java.version")
        .doesNotContain("swarmcastish");
  }

  @Test
  void fromPropertiesStillRejectsUnknownSwarmcastKeys() {
    Properties props = new Properties();
    props.setProperty("swarmcast.broadcast.blocksize", "1m");
    assertThatThrownBy(() -> SwarmConf.fromProperties(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.broadcast.blocksize");
  }

  @Test
  void fromPropertiesValidatesValues() {
    Properties props = new Properties();
    props.setProperty("swarmcast.fetch.maxInFlight", "0");
    assertThatThrownBy(() -> SwarmConf.fromProperties(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.fetch.maxInFlight");
  }

  @Test
  void toStringShowsSetKeysAndValues() {
    SwarmConf conf =
        new SwarmConf()
            .set("swarmcast.broadcast.blockSize", "8k")
            .set("swarmcast.fetch.maxInFlight", "8");
    assertThat(conf.toString())
        .contains("swarmcast.broadcast.blockSize=8k")
        .contains("swarmcast.fetch.maxInFlight=8");
  }
}
