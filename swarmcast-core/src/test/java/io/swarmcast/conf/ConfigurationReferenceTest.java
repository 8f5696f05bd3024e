package io.swarmcast.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docs/configuration.md} is what {@link ConfigurationReference} generates from the keys, and
 * every {@link ConfKey} constant of {@link SwarmConf} is registered in {@link SwarmConf#keys()} (an
 * unregistered key could be read but never set by name, nor documented). With {@code
 * -Dswarmcast.writeDocs=true} the first test rewrites the file instead of failing.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConfigurationReferenceTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void theReferenceIsUpToDate() throws Exception {
    String generated = ConfigurationReference.markdown();
    if (Boolean.getBoolean("swarmcast.writeDocs")) {
      Files.writeString(DOC, generated);
    }
    assertThat(DOC).exists();
    assertThat(Files.readString(DOC))
        .as(
            "docs/configuration.md is out of date: regenerate it with "
                + "mvn -B -pl swarmcast-core test -Dtest=ConfigurationReferenceTest -Dswarmcast.writeDocs=true")
        .isEqualTo(generated);
  }

  @Test
  void everyKeyConstantIsRegisteredAndDocumented() throws Exception {
    List<ConfKey<?>> constants = new ArrayList<>();
    for (Field f : SwarmConf.class.getDeclaredFields()) {
      if (f.getType() == ConfKey.class && Modifier.isStatic(f.getModifiers())) {
        f.setAccessible(true);
        constants.add((ConfKey<?>) f.get(null));
      }
    }
    assertThat(constants).hasSizeGreaterThan(40);
    assertThat(SwarmConf.keys()).containsExactlyInAnyOrderElementsOf(constants);
    String doc = ConfigurationReference.markdown();
    for (ConfKey<?> key : constants) {
      assertThat(key.doc()).as("%s has documentation", key.name()).isNotBlank();
      assertThat(doc).contains("| `" + key.name() + "` |");
    }
    assertThat(doc).doesNotContain("## Other");
  }
}
