package io.swarmcast.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class ByteSizeTest {

  @ParameterizedTest(name = "\"{0}\" = {1} bytes")
  @CsvSource({
    "4m, 4194304",
    "512k, 524288",
    "1g, 1073741824",
    "2t, 2199023255552",
    "1024, 1024",
    "0, 0",
    "64mb, 67108864",
    "64MiB, 67108864",
    "64kib, 65536",
    "4M, 4194304",
    "512K, 524288",
    "1G, 1073741824",
    "64MB, 67108864",
    "64mIb, 67108864",
    "100b, 100",
    "9223372036854775807, 9223372036854775807",
  })
  void parsesSizesWithBinarySuffixesCaseInsensitively(String text, long expected) {
    assertThat(ByteSize.parse(text)).isEqualTo(expected);
  }

  @Test
  void ignoresSurroundingWhitespace() {
    assertThat(ByteSize.parse("  8m \t")).isEqualTo(8L << 20);
  }

  @ParameterizedTest(name = "\"{0}\" is rejected")
  @ValueSource(
      strings = {
        "12x", "", "   ", "m", "-1", "-4m", "b", "kb", "mib", "1.5m", "4 m", "0x10", "1e3", "m4",
        "4mm", "+1"
      })
  void rejectsMalformedSizesNamingTheInput(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("malformed");
  }

  @ParameterizedTest(name = "\"{0}\" overflows")
  @ValueSource(
      strings = {
        "9223372036854775808",
        "99999999999999999999999",
        "8589934592g",
        "8388608t",
        "9007199254740992k"
      })
  void rejectsSizesThatOverflowALongNamingTheInput(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("too large");
  }

  @Test
  void largestSuffixedSizeThatFitsIsAccepted() {
    // 2^23 - 1 TiB fits in a long; 2^23 TiB (8388608t) is 2^63 and does not.
    assertThat(ByteSize.parse("8388607t")).isEqualTo(8388607L << 40);
  }

  @Test
  void rejectsNullWithAConfigException() {
    assertThatThrownBy(() -> ByteSize.parse(null)).isInstanceOf(ConfigException.class);
  }

  @ParameterizedTest(name = "{0} bytes = \"{1}\"")
  @CsvSource({
    "0, 0 B",
    "1, 1 B",
    "1023, 1023 B",
    "1024, 1.0 KiB",
    "1536, 1.5 KiB",
    "524288, 512.0 KiB",
    "4194304, 4.0 MiB",
    "67108864, 64.0 MiB",
    "1073741824, 1.0 GiB",
    "1649267441664, 1.5 TiB",
    "1125899906842624, 1024.0 TiB",
    "1048575, 1.0 MiB",
  })
  void formatsWithTheLargestBinaryUnit(long bytes, String expected) {
    assertThat(ByteSize.format(bytes)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "format({0}) parses back")
  @ValueSource(longs = {1024, 1L << 20, 64L << 20, 1L << 30})
  void formattedWholeUnitsParseBackToTheSameSize(long bytes) {
    // "64.0 MiB" -> "64MiB": the unit letters are accepted by parse.
    String formatted = ByteSize.format(bytes).replace(".0 ", "");
    assertThat(ByteSize.parse(formatted)).isEqualTo(bytes);
  }
}
