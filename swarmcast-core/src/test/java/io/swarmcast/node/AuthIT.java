package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.AuthChallenge;
import io.swarmcast.protocol.AuthProof;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RegisterExecutor;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.HandshakeException;
import io.swarmcast.transport.RawSocket;
import io.swarmcast.transport.TestHandlers;
import io.swarmcast.transport.TransportContext;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutual authentication with a shared secret over real sockets: both sides prove the secret in the
 * handshake, before anything is registered or served; a wrong or missing secret is refused with
 * "authentication failed with HOST:PORT", not a timeout; a recorded exchange cannot be replayed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthIT {
  private static final String SECRET = "correct horse battery staple";
  private final List<BroadcastManager> started = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).stop();
    }
  }

  private BroadcastManager driver(String secret) {
    SwarmConf conf =
        new SwarmConf().set(SwarmConf.DRIVER_PORT, "0").set(SwarmConf.COMPRESS, "none");
    if (secret != null) {
      conf.set(SwarmConf.AUTH_SECRET, secret);
    }
    BroadcastManager m = new BroadcastManager(true, conf, new SecurityManager(conf));
    started.add(m);
    return m;
  }

  private BroadcastManager executor(BroadcastManager driver, String secret) {
    SwarmConf conf =
        new SwarmConf()
            .set(
                SwarmConf.DRIVER_PORT,
                Integer.toString(BroadcastInternals.node(driver).endpoint().port()))
            .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "5s");
    if (secret != null) {
      conf.set(SwarmConf.AUTH_SECRET, secret);
    }
    BroadcastManager m = new BroadcastManager(false, conf, new SecurityManager(conf));
    started.add(m);
    return m;
  }

  @Test
  void aClusterSharingTheSecretBroadcastsAsUsual() throws Exception {
    BroadcastManager driver = driver(SECRET);
    executor(driver, SECRET);
    byte[] value = random(300_000, 1);
    assertThat(SwarmNodeTestSupport.roundTrip(driver.newBroadcast(value, false)).value())
        .isEqualTo(value);
  }

  @Test
  void aWrongSecretIsRefusedAtTheDriverAtOnceAndNothingIsRegistered() {
    BroadcastManager driver = driver(SECRET);
    int port = BroadcastInternals.node(driver).endpoint().port();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> executor(driver, "not the secret"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("authentication failed with 127.0.0.1:" + port);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
        .as("refused, not retried or timed out")
        .isLessThan(4_000);
    assertThat(((DriverNode) BroadcastInternals.node(driver)).executors()).isEmpty();
  }

  @Test
  void noSecretIsRefusedAtTheDriverAndADriverWithoutOneIsRefusedByAnExecutorWithOne() {
    BroadcastManager guarded = driver(SECRET);
    assertThatThrownBy(() -> executor(guarded, null))
        .hasMessageContaining("authentication failed with")
        .hasMessageContaining("requires a shared secret");
    assertThat(((DriverNode) BroadcastInternals.node(guarded)).executors()).isEmpty();

    BroadcastManager open = driver(null);
    assertThatThrownBy(() -> executor(open, SECRET))
        .hasMessageContaining("authentication failed with")
        .hasMessageContaining("did not authenticate itself");
  }

  @Test
  void anExecutorsPortRefusesAPeerWithTheWrongSecret() throws Exception {
    BroadcastManager driver = driver(SECRET);
    BroadcastManager executor = executor(driver, SECRET);
    SwarmConf wrong = new SwarmConf().set(SwarmConf.AUTH_SECRET, "wrong");
    try (TransportContext stranger =
        new TransportContext(wrong, new SecurityManager(wrong), "stranger")) {
      assertThatThrownBy(
              () ->
                  stranger
                      .connect(
                          "127.0.0.1",
                          BroadcastInternals.node(executor).endpoint().port(),
                          Greeting.hello(77, BroadcastInternals.node(executor).driverIncarnation()),
                          TestHandlers.forAll((from, m) -> {}))
                      .get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(HandshakeException.class)
          .hasMessageContaining(
              "authentication failed with 127.0.0.1:"
                  + BroadcastInternals.node(executor).endpoint().port());
    }
  }

  /**
   * A recorded proof is bound to the challenge it answered: in a new connection, with a new
   * challenge, it fails.
   */
  @Test
  void aReplayedProofIsRefused() throws Exception {
    BroadcastManager driver = driver(SECRET);
    int port = BroadcastInternals.node(driver).endpoint().port();
    AuthProof recorded;
    try (RawSocket honest = new RawSocket(port)) {
      honest.send(new RegisterExecutor(1, Message.PROTOCOL_VERSION, "127.0.0.1", 9));
      AuthChallenge challenge = (AuthChallenge) honest.read();
      byte[] nonce = new byte[AuthChallenge.LENGTH];
      recorded = new AuthProof(1, nonce, hmac("connector", challenge.nonce(), nonce));
      honest.send(recorded);
      assertThat(honest.read()).isInstanceOf(AuthProof.class); // the driver's own proof
      assertThat(honest.read()).isInstanceOf(ExecutorRegistered.class);
    }
    await("the honest executor unregistered")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(((DriverNode) BroadcastInternals.node(driver)).executors()).isEmpty());
    try (RawSocket replayer = new RawSocket(port)) {
      replayer.send(new RegisterExecutor(1, Message.PROTOCOL_VERSION, "127.0.0.1", 9));
      assertThat(replayer.read()).isInstanceOf(AuthChallenge.class);
      replayer.send(recorded);
      assertThat(replayer.read()).isEqualTo(new Failure(1, "authentication failed"));
      assertThat(replayer.closedByPeer()).isTrue();
    }
    assertThat(((DriverNode) BroadcastInternals.node(driver)).executors())
        .as("the replayer was not registered")
        .isEmpty();
  }

  @Test
  void authenticateWithoutASecretIsAConfigurationErrorAtStartUp() {
    SwarmConf conf = new SwarmConf().set(SwarmConf.AUTHENTICATE, "true");
    assertThatThrownBy(() -> new SecurityManager(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.authenticate=true needs a shared secret");
  }

  /**
   * The connector's proof as the protocol defines it (see SharedSecret), computed independently.
   */
  private static byte[] hmac(String role, byte[] acceptorNonce, byte[] connectorNonce)
      throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update("swarmcast-auth-1".getBytes(StandardCharsets.US_ASCII));
    mac.update(role.getBytes(StandardCharsets.US_ASCII));
    mac.update(acceptorNonce);
    mac.update(connectorNonce);
    return mac.doFinal();
  }
}
