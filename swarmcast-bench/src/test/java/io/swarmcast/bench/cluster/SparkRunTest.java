package io.swarmcast.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bench's {@code --conf swarmcast.X=V} reaches the Spark application as {@code
 * spark.swarmcast.X=V}.
 */
@Timeout(10)
class SparkRunTest {
  @Test
  void swarmcastSettingsBecomeSparkConfArguments() {
    assertThat(
            SparkRun.sparkConf(
                List.of("swarmcast.storage.preTouchBytes=256m", "swarmcast.node.c1Only=false")))
        .containsExactly(
            "--conf",
            "spark.swarmcast.storage.preTouchBytes=256m",
            "--conf",
            "spark.swarmcast.node.c1Only=false");
    assertThat(SparkRun.sparkConf(List.of())).isEmpty();
  }

  @Test
  void refusesWhatIsNotASwarmcastSetting() {
    assertThatThrownBy(() -> SparkRun.sparkConf(List.of("spark.executor.cores=2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spark.executor.cores=2");
    assertThatThrownBy(() -> SparkRun.sparkConf(List.of("swarmcast.node.c1Only")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("swarmcast.KEY=VALUE");
  }
}
