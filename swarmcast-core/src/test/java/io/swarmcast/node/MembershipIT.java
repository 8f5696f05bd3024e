package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastException;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An executor's membership of a cluster over real sockets on 127.0.0.1: joining a driver that
 * starts later, giving up after the join timeout, rejoining a restarted driver without mixing its
 * broadcasts with the old one's, finding its node whatever name the driver was reached by, and
 * learning of destroys.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MembershipIT {
  private final List<BroadcastManager> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop();
    }
  }

  private BroadcastManager driver(int port, String host) {
    return track(
        new BroadcastManager(
            true,
            new SwarmConf()
                .set(SwarmConf.DRIVER_HOST, host)
                .set(SwarmConf.DRIVER_PORT, Integer.toString(port))
                .set(SwarmConf.COMPRESS, "none"),
            SecurityManager.insecure()));
  }

  private BroadcastManager executor(int port, String driverHost, String joinTimeout) {
    return track(
        new BroadcastManager(
            false,
            new SwarmConf()
                .set(SwarmConf.DRIVER_HOST, driverHost)
                .set(SwarmConf.DRIVER_PORT, Integer.toString(port))
                .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, joinTimeout),
            SecurityManager.insecure()));
  }

  private synchronized BroadcastManager track(BroadcastManager m) {
    started.add(m);
    return m;
  }

  @Test
  void anExecutorStartedBeforeItsDriverJoinsOnceTheDriverListens() throws Exception {
    int port = freePort();
    CompletableFuture<BroadcastManager> executor;
    // Until the driver listens, something at its port that hangs up on every connection: the
    // executor's attempts arrive there, and after the third one it has plainly tried, failed and
    // kept going.
    try (ServerSocket refuser = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
      executor = CompletableFuture.supplyAsync(() -> executor(port, "127.0.0.1", "30s"));
      for (int attempt = 1; attempt <= 3; attempt++) {
        try (Socket s = refuser.accept()) {
          s.setSoLinger(
              true, 0); // a reset, not a close: no TIME_WAIT left on the port the driver binds next
        }
      }
      assertThat(executor).isNotDone();
    }

    BroadcastManager driver = driver(port, "127.0.0.1");
    BroadcastManager joined = executor.get(20, TimeUnit.SECONDS);

    driver.awaitExecutors(1, Duration.ofSeconds(10));
    byte[] value = random(300_000, 1);
    Broadcast<byte[]> b = driver.newBroadcast(value, false);
    assertThat(SwarmNodeTestSupport.roundTrip(b).value()).isEqualTo(value);
    assertThat(((ExecutorNode) BroadcastInternals.node(joined)).driverIncarnation())
        .isEqualTo(BroadcastInternals.node(driver).driverIncarnation());
  }

  @Test
  void anExecutorWhoseDriverNeverComesGivesUpAfterTheJoinTimeoutNamingIt() throws Exception {
    int port = freePort();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> executor(port, "127.0.0.1", "1500ms"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("could not join driver 127.0.0.1:" + port + " within 1500 ms")
        .hasMessageContaining("attempts)");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(millis).as("about the join timeout").isBetween(1_400L, 8_000L);
  }

  @Test
  void aRestartedDriverIsRejoinedAndItsPredecessorsHandlesFailNamingIt() throws Exception {
    int port = freePort();
    BroadcastManager first = driver(port, "127.0.0.1");
    BroadcastManager executor = executor(port, "127.0.0.1", "30s");
    ExecutorNode node = (ExecutorNode) BroadcastInternals.node(executor);
    Broadcast<byte[]> old = first.newBroadcast(random(100_000, 2), false);
    Broadcast<byte[]> oldShipped = SwarmNodeTestSupport.roundTrip(old);
    assertThat(oldShipped.value()).isNotNull();
    assertThat(node.blockManager().bytesStored()).isPositive();
    long firstIncarnation = BroadcastInternals.node(first).driverIncarnation();

    CompletableFuture<Void> lost = node.driverLost();
    first.stop();
    lost.get(20, TimeUnit.SECONDS);
    assertThat(node.isJoined()).as("joined once its driver left").isFalse();
    assertThat(node.blockManager().bytesStored())
        .as("kept for peers still fetching, until a new driver comes")
        .isPositive();

    BroadcastManager second = driver(port, "127.0.0.1");
    second.awaitExecutors(1, Duration.ofSeconds(20));
    await("the executor rejoined")
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> node.driverIncarnation() == BroadcastInternals.node(second).driverIncarnation());
    assertThat(BroadcastInternals.node(second).driverIncarnation()).isNotEqualTo(firstIncarnation);
    assertThat(node.blockManager().bytesStored())
        .as("the old driver's pieces are dropped once replaced")
        .isZero();

    // Ids start again at 0 on the new driver: the old handle must not read the new broadcast 0.
    byte[] fresh = random(100_000, 3);
    Broadcast<byte[]> now = second.newBroadcast(fresh, false);
    assertThat(now.id()).isEqualTo(old.id());
    assertThatThrownBy(oldShipped::value)
        .isInstanceOf(BroadcastException.class)
        .hasMessageContaining("is gone")
        .hasMessageContaining(Long.toHexString(firstIncarnation));
    assertThat(SwarmNodeTestSupport.roundTrip(now).value()).isEqualTo(fresh);
  }

  @Test
  void anExecutorThatReachedTheDriverAsLocalhostServesHandlesThatName127() throws Exception {
    int port = freePort();
    BroadcastManager driver = driver(port, "127.0.0.1");
    executor(port, "localhost", "30s");
    byte[] value = random(50_000, 4);
    Broadcast<byte[]> b = driver.newBroadcast(value, false);
    assertThat(SwarmNodeTestSupport.roundTrip(b).value()).isEqualTo(value);
  }

  @Test
  void aDriverBoundToEveryInterfaceAdvertisesAnAddressOthersCanUse() throws Exception {
    int port = freePort();
    BroadcastManager driver;
    try {
      driver = driver(port, "0.0.0.0");
    } catch (ConfigException noAddress) {
      // A host with loopback only: then the failure must say what to set.
      assertThat(noAddress)
          .hasMessageContaining("swarmcast.driver.host")
          .hasMessageContaining("no non-loopback address");
      return;
    }
    Endpoint advertised = BroadcastInternals.node(driver).endpoint();
    assertThat(Addresses.isWildcard(advertised.host())).as("advertised %s", advertised).isFalse();
    assertThat(advertised.host()).isNotIn("127.0.0.1", "::1");
    // Executors may still reach it by any of its addresses, loopback included.
    executor(port, "127.0.0.1", "30s");
    byte[] value = random(50_000, 5);
    assertThat(SwarmNodeTestSupport.roundTrip(driver.newBroadcast(value, false)).value())
        .isEqualTo(value);
  }

  @Test
  void aDestroyOnTheDriverMakesEveryExecutorsCopyOfTheHandleInvalid() throws Exception {
    int port = freePort();
    BroadcastManager driver = driver(port, "127.0.0.1");
    executor(port, "127.0.0.1", "30s");
    Broadcast<byte[]> b = driver.newBroadcast(random(50_000, 6), false);
    Broadcast<byte[]> onExecutor = SwarmNodeTestSupport.roundTrip(b);
    onExecutor.value();
    assertThat(onExecutor.isValid()).isTrue();

    b.destroy();

    assertThat(onExecutor.isValid()).as("the executor heard of the destroy").isFalse();
    assertThatThrownBy(onExecutor::value)
        .isInstanceOf(BroadcastException.class)
        .hasMessageContaining("after it was destroyed")
        .hasMessageContaining("MembershipIT");
    Broadcast<byte[]> unpersisted = driver.newBroadcast(random(50_000, 7), false);
    Broadcast<byte[]> copy = SwarmNodeTestSupport.roundTrip(unpersisted);
    copy.value();
    unpersisted.unpersist(true);
    assertThat(copy.isValid()).as("an unpersist is not a destroy").isTrue();
  }

  @Test
  void awaitExecutorsSaysHowManyJoinedWhenTooFewDid() throws Exception {
    int port = freePort();
    BroadcastManager driver = driver(port, "127.0.0.1");
    executor(port, "127.0.0.1", "30s");
    driver.awaitExecutors(1, Duration.ofSeconds(5));
    assertThatThrownBy(() -> driver.awaitExecutors(2, Duration.ofMillis(300)))
        .isInstanceOf(BroadcastException.class)
        .hasMessageContaining("only 1 of 2 executors");
    BroadcastManager anExecutor = started.get(1);
    assertThatThrownBy(() -> anExecutor.awaitExecutors(1, Duration.ofMillis(10)))
        .isInstanceOf(BroadcastException.class)
        .hasMessageContaining("for the driver");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
