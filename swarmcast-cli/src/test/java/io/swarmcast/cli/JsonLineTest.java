package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JSON lines the CLI writes and the bench and demo read: what goes out comes back, nulls and
 * escapes included.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonLineTest {
  @Test
  void writesOneLineInTheMapsOrderWithNullsAndFixedDecimals() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("z", 1);
    fields.put("seconds", JsonLine.fixed(1.5, 4));
    fields.put("cpu", JsonLine.fixed(Double.NaN, 4));
    fields.put("a", List.of(Map.of("ok", true)));
    assertThat(JsonLine.write(fields))
        .isEqualTo("{\"z\":1,\"seconds\":1.5000,\"cpu\":null,\"a\":[{\"ok\":true}]}");
  }

  @Test
  void fixedDecimalsRoundAsPrintfDoes() {
    assertThat(JsonLine.fixed(0.00004, 4)).isEqualTo(new BigDecimal("0.0000"));
    assertThat(JsonLine.fixed(2.68445, 4)).isEqualTo(new BigDecimal("2.6845"));
    assertThat(JsonLine.fixed(123456789.0, 6).toString()).isEqualTo("123456789.000000");
    assertThat(JsonLine.fixed(Double.POSITIVE_INFINITY, 4)).isNull();
  }

  @Test
  void whatIsWrittenReadsBack() {
    String awkward = "a \"quoted\" back\\slash, a\nnewline, a\ttab, \u0001, é and 😀";
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("text", awkward);
    fields.put("int", Integer.MIN_VALUE);
    fields.put("long", Long.MAX_VALUE);
    fields.put("number", JsonLine.fixed(-0.25, 4));
    fields.put("unknown", JsonLine.fixed(Double.NaN, 4));
    fields.put("flag", false);
    String line = JsonLine.write(fields);
    assertThat(line).doesNotContain("\n").doesNotContain("\t");

    JsonLine back = JsonLine.parse(line);
    assertThat(back.text("text")).isEqualTo(awkward);
    assertThat(back.wholeInt("int")).isEqualTo(Integer.MIN_VALUE);
    assertThat(back.whole("long")).isEqualTo(Long.MAX_VALUE);
    assertThat(back.number("number")).isEqualTo(-0.25);
    assertThat(back.has("unknown")).isTrue();
    assertThat(back.numberOrNaN("unknown")).isNaN();
    assertThat(back.numberOrNaN("absent")).isNaN();
    assertThat(back.flag("flag")).isFalse();
  }

  @Test
  void typedFieldsNameWhatIsWrong() {
    JsonLine json =
        JsonLine.parse(
            "{\"n\":1.5,\"s\":\"x\",\"big\":9223372036854775808,\"wide\":2147483648,\"nil\":null}");
    assertThatThrownBy(() -> json.whole("n")).hasMessageContaining("'n' holds a malformed number");
    assertThatThrownBy(() -> json.number("s")).hasMessageContaining("'s' holds a malformed number");
    assertThatThrownBy(() -> json.flag("s")).hasMessageContaining("'s' is not true or false");
    assertThatThrownBy(() -> json.text("n")).hasMessageContaining("'n' is not a string");
    assertThatThrownBy(() -> json.whole("big"))
        .hasMessageContaining("'big' holds a malformed number");
    assertThatThrownBy(() -> json.wholeInt("wide")).hasMessageContaining("beyond an int");
    assertThatThrownBy(() -> json.number("nil")).hasMessageContaining("'nil' is null");
    assertThatThrownBy(() -> json.text("gone")).hasMessageContaining("no field 'gone'");
  }

  @Test
  void onlyAJsonObjectIsOne() {
    for (String notOne : List.of("port 40123", "[1,2]", "\"text\"", "null", "{\"open\":", "")) {
      assertThatThrownBy(() -> JsonLine.parse(notOne))
          .as(notOne)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a JSON object");
      assertThat(JsonLine.parseIfObject(notOne)).as(notOne).isEmpty();
    }
    assertThat(JsonLine.parseIfObject("  {\"rep\":1}  "))
        .hasValueSatisfying(j -> assertThat(j.whole("rep")).isOne());
  }
}
