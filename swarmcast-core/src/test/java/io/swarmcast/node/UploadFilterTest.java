package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swarmcast.TestData;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upload filters: what is sent instead of a stored piece, and who owns which buffer. The CLI's
 * {@code --corrupt-uploads} filter, which corrupts them, has its own test: CorruptUploadsTest.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UploadFilterTest {
  @Test
  void noneSendsTheStoredBufferItself() {
    ByteBuf stored = Unpooled.wrappedBuffer(TestData.random(1024, 1));
    assertThat(UploadFilter.NONE.apply(1, 0, stored)).isSameAs(stored);
    stored.release();
  }
}
