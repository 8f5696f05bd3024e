package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.node.Endpoint;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ordinary (in-memory) broadcasts three times larger than the executors' direct memory: two {@code
 * swarmcast executor} processes with {@code -XX:MaxDirectMemorySize=32m} keep half of that for
 * pieces (the default budget) and spill the rest, and still verify every value; the driver spills
 * past {@code swarmcast.storage.memoryBytes=16m}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SpillValueIT {
  @Test
  void valuesLargerThanDirectMemoryArriveVerified() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (LocalExecutors executors =
        LocalExecutors.start(
            2,
            new Endpoint("127.0.0.1", port),
            List.of("-Xmx384m", "-XX:MaxDirectMemorySize=32m"),
            List.of())) {
      int exit =
          SwarmcastCli.run(
              "driver",
              "--bind",
              "127.0.0.1:" + port,
              "--executors",
              "2",
              "--wait",
              "60",
              "--size",
              "96m",
              "--reps",
              "2",
              "--compress",
              "none",
              "--conf",
              "swarmcast.storage.memoryBytes=16m");
      assertThat(exit)
          .as("every executor verified both values; their logs: " + executors.logDir())
          .isZero();
      assertThat(executors.firstFailure()).isNull();
    }
  }
}
