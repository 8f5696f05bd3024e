package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LinkUnitsTest {
  @ParameterizedTest
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @CsvSource({
    "100mbit, 100000000",
    "1gbit, 1000000000",
    "500kbit, 500000",
    "200mbit, 200000000",
    "1.5gbit, 1500000000",
    "64bit, 64",
    "1mibit, 1048576",
    "10mbps, 80000000",
    "100MBit, 100000000",
    "' 100mbit ', 100000000"
  })
  void parsesTcRates(String text, long bits) {
    assertThat(LinkUnits.parseRateBits(text)).isEqualTo(bits);
  }

  @ParameterizedTest
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @ValueSource(strings = {"100", "100mb", "fast", "mbit", "-5mbit", "1e6bit", "", "100 mbits"})
  void refusesMalformedRatesNamingThem(String text) {
    assertThatThrownBy(() -> LinkUnits.parseRateBits(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void refusesRatesOutOfRange() {
    assertThatThrownBy(() -> LinkUnits.parseRateBits("0mbit")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> LinkUnits.parseRateBits("99999999999tbit"))
        .hasMessageContaining("out of range");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void parsesDelays() {
    assertThat(LinkUnits.parseDelayMicros("1ms")).isEqualTo(1000);
    assertThat(LinkUnits.parseDelayMicros("250us")).isEqualTo(250);
    assertThat(LinkUnits.parseDelayMicros("0.5ms")).isEqualTo(500);
    assertThat(LinkUnits.parseDelayMicros("2s")).isEqualTo(2_000_000);
    assertThatThrownBy(() -> LinkUnits.parseDelayMicros("1 hour")).hasMessageContaining("'1 hour'");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void formatsMegabitsWithoutTrailingZeros() {
    assertThat(LinkUnits.mbit(100_000_000)).isEqualTo("100");
    assertThat(LinkUnits.mbit(1_000_000_000)).isEqualTo("1000");
    assertThat(LinkUnits.mbit(500_000)).isEqualTo("0.5");
    assertThat(LinkUnits.mbit(0)).isEqualTo("0");
    assertThat(LinkUnits.humanRate(100_000_000)).isEqualTo("100 Mbit/s");
    assertThat(LinkUnits.humanRate(1_500_000_000)).isEqualTo("1.5 Gbit/s");
  }
}
