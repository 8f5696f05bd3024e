package io.swarmcast.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leak check itself: a buffer dropped without release is found and reported with where it was
 * allocated, and a released one is not. The leak is collected here, so it does not fail this class.
 */
@Timeout(30)
class LeakCheckExtensionTest {

  @Test
  void theTestJvmRunsTheRecordingDetectorInParanoidMode() {
    assertThat(RecordingLeakDetector.installed())
        .as("-Dio.netty.customResourceLeakDetector")
        .isTrue();
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  void aBufferDroppedWithoutReleaseIsReported() throws InterruptedException {
    assertThat(LeakCheckExtension.collectLeaks()).as("nothing leaked before").isEmpty();
    leakOneBuffer();
    List<String> leaks = List.of();
    for (int i = 0;
        i < 50 && leaks.isEmpty();
        i++) { // the collector may need a few rounds to clear it
      leaks = LeakCheckExtension.collectLeaks();
    }
    assertThat(leaks).singleElement().asString().contains("LEAK").contains("leakOneBuffer");
  }

  @Test
  void aReleasedBufferIsNotReported() throws InterruptedException {
    ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(1).release();
    assertThat(LeakCheckExtension.collectLeaks()).isEmpty();
  }

  private static void leakOneBuffer() {
    ByteBufAllocator.DEFAULT
        .directBuffer(64)
        .writeLong(42)
        .touch("dropped on purpose"); // no release
  }
}
