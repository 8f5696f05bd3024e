package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Message;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.RawSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * More than 1,024 executors join one driver with the default configuration: 2,000 protocol-level
 * clients (a socket each, the real handshake, nothing more) register on 127.0.0.1, and the driver
 * lists every one of them. Before, the 1,025th was closed on accept.
 */
@Timeout(180)
class ManyExecutorsJoinIT {
  private static final int EXECUTORS = 2000;

  @Test
  void twoThousandExecutorsJoinWithTheDefaults() throws Exception {
    SwarmConf conf = new SwarmConf().set(SwarmConf.DRIVER_PORT, "0");
    List<RawSocket> sockets = new ArrayList<>();
    try (BroadcastManager driverManager =
        new BroadcastManager(true, conf, SecurityManager.insecure())) {
      DriverNode driver = (DriverNode) BroadcastInternals.node(driverManager);
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < EXECUTORS; i++) {
        RawSocket s = new RawSocket(driver.endpoint().port());
        sockets.add(s);
        s.send(Greeting.register("127.0.0.1", 10_000 + i).opening(i + 1));
        Message answer = s.read();
        assertThat(answer).as("executor %d's answer", i).isInstanceOf(ExecutorRegistered.class);
        ids.add(((ExecutorRegistered) answer).executorId());
      }
      assertThat(ids).hasSize(EXECUTORS);
      assertThat(driver.executors()).hasSize(EXECUTORS);
      assertThat(driver.transport.acceptedConnections()).isEqualTo(EXECUTORS);
    } finally {
      for (RawSocket s : sockets) {
        s.close();
      }
    }
  }
}
