package io.swarmcast.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SparkSettingsTest {
  @Test
  void sparkSwarmcastKeysBecomeSwarmcastKeysAndOthersAreIgnored() {
    SwarmConf conf =
        SparkSettings.fromSpark(
            Map.of(
                "spark.swarmcast.broadcast.blockSize",
                "1m",
                "spark.swarmcast.executor.joinTimeout",
                "5s",
                "spark.executor.memory",
                "1g",
                "swarmcast.ignored",
                "x"));
    assertThat(conf.get(SwarmConf.BLOCK_SIZE)).isEqualTo(1L << 20);
    assertThat(conf.get(SwarmConf.EXECUTOR_JOIN_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void anUnknownKeyIsNamedWithItsSparkPrefix() {
    assertThatThrownBy(
            () -> SparkSettings.fromSpark(Map.of("spark.swarmcast.broadcast.blocksize", "1m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown Spark setting 'spark.swarmcast.broadcast.blocksize'")
        .hasMessageContaining("spark.swarmcast.broadcast.blockSize");
  }

  @Test
  void aBadValueIsNamedWithItsSparkKey() {
    assertThatThrownBy(
            () -> SparkSettings.fromSpark(Map.of("spark.swarmcast.broadcast.compress", "gzip")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("spark.swarmcast.broadcast.compress: ")
        .hasMessageContaining("gzip");
  }

  @Test
  void theDriverAdvertisesSparksDriverHostAndBindsWhereSparkDoes() {
    SwarmConf conf =
        SparkSettings.driver(
            Map.of("spark.driver.host", "10.0.0.5", "spark.driver.bindAddress", "0.0.0.0"));
    assertThat(conf.get(SwarmConf.DRIVER_HOST)).isEqualTo("10.0.0.5");
    assertThat(conf.get(SwarmConf.DRIVER_BIND_HOST)).isEqualTo("0.0.0.0");
    assertThat(conf.get(SwarmConf.DRIVER_PORT)).isZero();
  }

  @Test
  void explicitSwarmcastAddressesWinOverSparks() {
    SwarmConf driver =
        SparkSettings.driver(
            Map.of(
                "spark.driver.host",
                "10.0.0.5",
                "spark.swarmcast.driver.host",
                "driver.example",
                "spark.swarmcast.driver.port",
                "7070"));
    assertThat(driver.get(SwarmConf.DRIVER_HOST)).isEqualTo("driver.example");
    assertThat(driver.get(SwarmConf.DRIVER_PORT)).isEqualTo(7070);

    SwarmConf executor =
        SparkSettings.executor(
            Map.of("spark.swarmcast.executor.host", "127.0.0.2"),
            Map.of("swarmcast.driver.host", "10.0.0.5", "swarmcast.driver.port", "4321"),
            "worker-7");
    assertThat(executor.get(SwarmConf.EXECUTOR_HOST)).isEqualTo("127.0.0.2");
  }

  @Test
  void anExecutorJoinsTheAddressTheDriverPassedAndAdvertisesSparksHostname() {
    SwarmConf conf =
        SparkSettings.executor(
            Map.of("spark.swarmcast.driver.host", "ignored", "spark.swarmcast.driver.port", "1"),
            Map.of("swarmcast.driver.host", "10.0.0.5", "swarmcast.driver.port", "4321"),
            "worker-7");
    assertThat(conf.get(SwarmConf.DRIVER_HOST)).isEqualTo("10.0.0.5");
    assertThat(conf.get(SwarmConf.DRIVER_PORT)).isEqualTo(4321);
    assertThat(conf.get(SwarmConf.EXECUTOR_HOST)).isEqualTo("worker-7");
  }

  @Test
  void anExecutorWithoutTheDriversAddressSaysThePluginIsMissingOnTheDriver() {
    assertThatThrownBy(() -> SparkSettings.executor(Map.of(), Map.of(), "h"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("spark.plugins on the driver");
  }
}
