package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class BroadcastManagerTest {

  /** A user-supplied factory, named by its class in the configuration. */
  public static final class CustomFactory implements BroadcastFactory {
    @Override
    public void initialize(boolean isDriver, SwarmConf conf, SecurityManager security) {}

    @Override
    public <T> Broadcast<T> newBroadcast(T value, boolean isLocal, long id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void unbroadcast(long id, boolean removeFromDriver, boolean blocking) {}

    @Override
    public void stop() {}
  }

  @Test
  void shortNamesResolveToTheBuiltInFactories() {
    assertThat(BroadcastManager.resolveFactory("torrent")).isEqualTo(TorrentBroadcastFactory.class);
    assertThat(BroadcastManager.resolveFactory("direct")).isEqualTo(DirectBroadcastFactory.class);
  }

  @Test
  void shortNamesAreCaseInsensitiveAndTrimmed() {
    assertThat(BroadcastManager.resolveFactory("TORRENT")).isEqualTo(TorrentBroadcastFactory.class);
    assertThat(BroadcastManager.resolveFactory("Direct")).isEqualTo(DirectBroadcastFactory.class);
    assertThat(BroadcastManager.resolveFactory("  torrent "))
        .isEqualTo(TorrentBroadcastFactory.class);
  }

  @Test
  void theDefaultFactoryNameResolves() {
    assertThat(BroadcastManager.resolveFactory(new SwarmConf().get(SwarmConf.BROADCAST_FACTORY)))
        .isEqualTo(TorrentBroadcastFactory.class);
  }

  @Test
  void everyShortNameResolvesToAFactoryThatStarts() throws Exception {
    // Behaviour, not the table's contents: each short name a user may write gives a factory that
    // can be made.
    for (String name : BroadcastManager.SHORT_NAMES.keySet()) {
      Class<? extends BroadcastFactory> c =
          BroadcastManager.resolveFactory(name.toUpperCase(Locale.ROOT));
      assertThat(c.getDeclaredConstructor().newInstance())
          .as(name)
          .isInstanceOf(BroadcastFactory.class);
    }
    assertThat(BroadcastManager.SHORT_NAMES).isNotEmpty();
  }

  @Test
  void aClassNameResolvesToThatClass() {
    assertThat(BroadcastManager.resolveFactory(DirectBroadcastFactory.class.getName()))
        .isEqualTo(DirectBroadcastFactory.class);
    assertThat(BroadcastManager.resolveFactory(CustomFactory.class.getName()))
        .isEqualTo(CustomFactory.class);
    assertThat(BroadcastManager.resolveFactory(" " + CustomFactory.class.getName() + " "))
        .isEqualTo(CustomFactory.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bittorrent",
        "http",
        "",
        "com.example.NoSuchFactory",
        "io.swarmcast.broadcast.torrent"
      })
  void unknownNamesFailListingTheValidOnes(String name) {
    assertThatThrownBy(() -> BroadcastManager.resolveFactory(name))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.broadcast.factory")
        .hasMessageContaining("'" + name + "'")
        .hasMessageContaining("torrent")
        .hasMessageContaining("direct");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "java.lang.String",
        "java.util.ArrayList",
        "io.swarmcast.broadcast.internal.Blockifier",
        "io.swarmcast.broadcast.BroadcastFactory",
        "io.swarmcast.broadcast.PieceBroadcastFactory"
      })
  void aClassThatIsNotABroadcastFactoryIsRejected(String name) {
    assertThatThrownBy(() -> BroadcastManager.resolveFactory(name))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("is not a concrete class implementing")
        .hasMessageContaining(BroadcastFactory.class.getName())
        .hasMessageContaining("torrent")
        .hasMessageContaining("direct");
  }
}
