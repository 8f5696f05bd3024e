package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastException;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.MessageHandler;
import io.swarmcast.transport.TestHandlers;
import io.swarmcast.transport.TransportContext;
import io.swarmcast.transport.TransportServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Blocking {@code unpersist} and {@code destroy} with an executor that is connected but never
 * answers the removal: they return after {@code swarmcast.network.timeout} with a {@link
 * BroadcastException} naming that executor, and the live executor has removed its blocks by then.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoveBroadcastIT {
  private static final long TIMEOUT_MILLIS = 1500;

  @Test
  void blockingRemovalsReturnAfterTheNetworkTimeoutNamingTheUnresponsiveExecutor()
      throws Exception {
    SwarmConf driverConf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, "0")
            .set(SwarmConf.BLOCK_SIZE, "64k")
            .set(SwarmConf.COMPRESS, "none")
            .set(SwarmConf.NETWORK_TIMEOUT, TIMEOUT_MILLIS + "ms");
    try (BroadcastManager driverManager =
        new BroadcastManager(true, driverConf, SecurityManager.insecure())) {
      DriverNode driver = (DriverNode) BroadcastInternals.node(driverManager);
      SwarmConf conf =
          new SwarmConf().set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()));
      AtomicInteger removalsIgnored = new AtomicInteger();
      MessageHandler unresponsive =
          TestHandlers.forAll(
              (from, m) -> {
                if (m instanceof RemoveBroadcast) {
                  removalsIgnored.incrementAndGet(); // and no Ack, ever
                }
              });
      try (BroadcastManager live = new BroadcastManager(false, conf, SecurityManager.insecure());
          TransportContext transport =
              new TransportContext(new SwarmConf(), SecurityManager.insecure(), "silent")) {
        TransportServer server =
            transport.listen("127.0.0.1", 0, TestHandlers.admitAll(), unresponsive);
        Connection silent =
            transport
                .connect(
                    "127.0.0.1",
                    driver.endpoint().port(),
                    Greeting.register("127.0.0.1", server.port()),
                    unresponsive)
                .get(5, TimeUnit.SECONDS);
        int silentId = silent.localNodeId();
        int liveId = ((ExecutorNode) BroadcastInternals.node(live)).executorId();

        byte[] value = random(1 << 20, 12);
        Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
        int pieces = driver.blockManager().piecesHeld(b.id(), 1 << 10).cardinality();
        assertThat(SwarmNodeTestSupport.roundTrip(b).value()).isEqualTo(value);
        assertThat(
                BroadcastInternals.node(live)
                    .blockManager()
                    .piecesHeld(b.id(), pieces)
                    .cardinality())
            .isEqualTo(pieces);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> b.unpersist(true))
            .isInstanceOf(BroadcastException.class)
            .hasMessageContaining("executor " + silentId + " (")
            .hasMessageContaining("within " + TIMEOUT_MILLIS + " ms")
            .hasMessageNotContaining("executor " + liveId + " (");
        assertThat(elapsedMillis(t0))
            .as("returned after the network timeout")
            .isBetween(TIMEOUT_MILLIS - 100, 3 * TIMEOUT_MILLIS);
        assertThat(
                BroadcastInternals.node(live)
                    .blockManager()
                    .piecesHeld(b.id(), pieces)
                    .cardinality())
            .as("the live executor's pieces")
            .isZero();

        assertThat(SwarmNodeTestSupport.roundTrip(b).value())
            .as("read again after unpersist")
            .isEqualTo(value);
        t0 = System.nanoTime();
        assertThatThrownBy(b::destroy)
            .isInstanceOf(BroadcastException.class)
            .hasMessageContaining("executor " + silentId + " (")
            .hasMessageNotContaining("executor " + liveId + " (");
        assertThat(elapsedMillis(t0)).isBetween(TIMEOUT_MILLIS - 100, 3 * TIMEOUT_MILLIS);
        assertThat(
                BroadcastInternals.node(live)
                    .blockManager()
                    .piecesHeld(b.id(), pieces)
                    .cardinality())
            .isZero();
        assertThat(driver.blockManager().piecesHeld(b.id(), pieces).cardinality())
            .as("the driver's pieces")
            .isZero();
        assertThat(b.isValid()).isFalse();
        assertThat(removalsIgnored.get()).isEqualTo(2);
        assertThat(silent.isActive()).as("the silent executor stays connected").isTrue();
      }
    }
  }

  private static long elapsedMillis(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
