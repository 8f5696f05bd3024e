package io.swarmcast.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.security.internal.SecurityInternals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS over real sockets: what crosses the wire is encrypted (a marker value broadcast through a TCP
 * relay never shows in the relayed bytes, and does without TLS); both sides' certificates are
 * checked (an expired client certificate and an untrusted server certificate are refused); with
 * self-signed certificates, a wrong secret and a TLS-terminating man in the middle are refused;
 * both providers work.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsIT {
  private static final String SECRET = "tls test secret";
  private static final byte[] MARKER =
      "SWARMCAST-MARKER-7f3a9c-the-plaintext-an-eavesdropper-wants"
          .getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private BroadcastManager node(boolean driver, int driverPort, Consumer<SwarmConf> settings) {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, Integer.toString(driverPort))
            .set(SwarmConf.COMPRESS, "none")
            .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "5s");
    settings.accept(conf);
    BroadcastManager m = new BroadcastManager(driver, conf, new SecurityManager(conf));
    started.add(m::stop);
    return m;
  }

  private static Consumer<SwarmConf> pem(TestCertificates.Files3 f, String provider) {
    return c ->
        c.set(SwarmConf.TLS_ENABLED, "true")
            .set(SwarmConf.TLS_PROVIDER, provider)
            .set(SwarmConf.TLS_CERT_FILE, f.cert().toString())
            .set(SwarmConf.TLS_KEY_FILE, f.key().toString())
            .set(SwarmConf.TLS_TRUST_FILE, f.trust().toString());
  }

  private static Consumer<SwarmConf> selfSigned(String secret, String provider) {
    return c ->
        c.set(SwarmConf.TLS_ENABLED, "true")
            .set(SwarmConf.TLS_SELF_SIGNED, "true")
            .set(SwarmConf.TLS_PROVIDER, provider)
            .set(SwarmConf.AUTH_SECRET, secret);
  }

  /**
   * A value the marker repeats through, so any plaintext piece of it on the wire contains the
   * marker.
   */
  private static byte[] markedValue() {
    byte[] value = new byte[256 << 10];
    for (int i = 0; i + MARKER.length <= value.length; i += MARKER.length) {
      System.arraycopy(MARKER, 0, value, i, MARKER.length);
    }
    return value;
  }

  /**
   * Broadcasts the marked value to one executor that reaches the driver through a relay; returns
   * what the relay saw.
   */
  private byte[] relayed(Consumer<SwarmConf> driverSettings, Consumer<SwarmConf> executorSettings)
      throws Exception {
    BroadcastManager driver = node(true, 0, driverSettings);
    TcpRelay relay = new TcpRelay(BroadcastInternals.node(driver).endpoint().port(), null);
    started.add(relay);
    node(false, relay.port(), executorSettings);
    byte[] value = markedValue();
    assertThat(SwarmNodeTestSupport.roundTrip(driver.newBroadcast(value, false)).value())
        .isEqualTo(value);
    byte[] seen = relay.seen();
    assertThat(seen.length).as("the value crossed the relay").isGreaterThan(value.length);
    return seen;
  }

  @Test
  void withoutTlsTheMarkerCrossesTheWireInPlainText() throws Exception {
    assertThat(contains(relayed(c -> {}, c -> {}), MARKER)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void withTlsFromPemFilesTheMarkerNeverCrossesTheWire(String provider) throws Exception {
    TestCertificates pki = new TestCertificates(dir, "cluster-ca");
    byte[] seen = relayed(pem(pki.node("driver"), provider), pem(pki.node("executor"), provider));
    assertThat(contains(seen, MARKER)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void withSelfSignedTlsTheMarkerNeverCrossesTheWire(String provider) throws Exception {
    byte[] seen = relayed(selfSigned(SECRET, provider), selfSigned(SECRET, provider));
    assertThat(contains(seen, MARKER)).isFalse();
  }

  @Test
  void anExpiredClientCertificateIsRefusedByTheDriver() throws Exception {
    TestCertificates pki = new TestCertificates(dir, "cluster-ca");
    Instant now = Instant.now();
    BroadcastManager driver = node(true, 0, pem(pki.node("driver"), "auto"));
    TestCertificates.Files3 expired =
        pki.node("expired", now.minus(10, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS));
    assertThatThrownBy(
            () ->
                node(
                    false, BroadcastInternals.node(driver).endpoint().port(), pem(expired, "auto")))
        .hasMessageContaining("TLS handshake failed");
    assertThat(((DriverNode) BroadcastInternals.node(driver)).executors()).isEmpty();
  }

  @Test
  void aDriverWhoseCertificateChainsToAnotherCaIsRefusedByTheExecutor() throws Exception {
    TestCertificates ours = new TestCertificates(dir, "cluster-ca");
    TestCertificates theirs =
        new TestCertificates(Files.createDirectories(dir.resolve("other")), "other-ca");
    BroadcastManager driver = node(true, 0, pem(theirs.node("impostor"), "auto"));
    assertThatThrownBy(
            () ->
                node(
                    false,
                    BroadcastInternals.node(driver).endpoint().port(),
                    pem(ours.node("executor"), "auto")))
        .hasMessageContaining("TLS handshake failed");
    assertThat(((DriverNode) BroadcastInternals.node(driver)).executors()).isEmpty();
  }

  @Test
  void selfSignedWithAWrongSecretIsRefused() {
    BroadcastManager driver = node(true, 0, selfSigned(SECRET, "auto"));
    assertThatThrownBy(
            () ->
                node(
                    false,
                    BroadcastInternals.node(driver).endpoint().port(),
                    selfSigned("another secret", "auto")))
        .hasMessageContaining("authentication failed with");
    assertThat(((DriverNode) BroadcastInternals.node(driver)).executors()).isEmpty();
  }

  /**
   * A relay that terminates TLS on both sides with its own certificate and forwards the handshake
   * verbatim: without the certificates inside the proofs it would read everything; with them, each
   * side computes another binding and authentication fails.
   */
  @Test
  void selfSignedRefusesAManInTheMiddleThatRelaysTheHandshake() throws Exception {
    BroadcastManager driver = node(true, 0, selfSigned(SECRET, "auto"));
    X509Bundle mitmCert =
        new CertificateBuilder()
            .ecp256()
            .subject("CN=mitm")
            .setIsCertificateAuthority(true)
            .notBefore(Instant.now().minus(1, ChronoUnit.DAYS))
            .notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
            .buildSelfSigned();
    SSLContext mitm = SSLContext.getInstance("TLSv1.3");
    mitm.init(
        mitmCert.toKeyManagerFactory().getKeyManagers(),
        InsecureTrustManagerFactory.INSTANCE.getTrustManagers(),
        null);
    TcpRelay relay = new TcpRelay(BroadcastInternals.node(driver).endpoint().port(), mitm);
    started.add(relay);
    assertThatThrownBy(() -> node(false, relay.port(), selfSigned(SECRET, "auto")))
        .hasMessageContaining("authentication failed with");
    assertThat(((DriverNode) BroadcastInternals.node(driver)).executors()).isEmpty();
  }

  /**
   * One side with TLS and one without cannot talk; the connecting side's error says TLS may be why.
   */
  @Test
  void tlsAndPlainNodesRefuseEachOtherAtOnce() throws Exception {
    TestCertificates pki = new TestCertificates(dir, "cluster-ca");
    BroadcastManager tlsDriver = node(true, 0, pem(pki.node("driver"), "auto"));
    // A close is all a plain node sees; it cannot tell a TLS node from one restarting, so it
    // retries (joinTimeout).
    assertThatThrownBy(
            () -> node(false, BroadcastInternals.node(tlsDriver).endpoint().port(), c -> {}))
        .hasMessageContaining("127.0.0.1:" + BroadcastInternals.node(tlsDriver).endpoint().port())
        .hasMessageContaining("if that node requires TLS, set swarmcast.tls.enabled here too");
    BroadcastManager plainDriver = node(true, 0, c -> {});
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                node(
                    false,
                    BroadcastInternals.node(plainDriver).endpoint().port(),
                    pem(pki.node("executor"), "auto")))
        .hasMessageContaining("127.0.0.1:" + BroadcastInternals.node(plainDriver).endpoint().port())
        .hasMessageContaining("TLS handshake failed")
        .hasMessageContaining("is swarmcast.tls.enabled the same on both sides?");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
        .as("refused, not timed out")
        .isLessThan(4_000);
    assertThat(((DriverNode) BroadcastInternals.node(tlsDriver)).executors()).isEmpty();
    assertThat(((DriverNode) BroadcastInternals.node(plainDriver)).executors()).isEmpty();
  }

  @Test
  void selfSignedWithoutASecretIsAConfigurationError() {
    SwarmConf conf =
        new SwarmConf().set(SwarmConf.TLS_ENABLED, "true").set(SwarmConf.TLS_SELF_SIGNED, "true");
    assertThatThrownBy(() -> new SecurityManager(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("swarmcast.tls.selfSigned=true needs a shared secret");
  }

  @Test
  void tlsWithoutCertificatesIsAConfigurationErrorNamingTheMissingKey() {
    SwarmConf conf = new SwarmConf().set(SwarmConf.TLS_ENABLED, "true");
    assertThatThrownBy(() -> new SecurityManager(conf))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("swarmcast.tls.certFile");
    SwarmConf unreadable =
        new SwarmConf()
            .set(SwarmConf.TLS_ENABLED, "true")
            .set(SwarmConf.TLS_CERT_FILE, "/nonexistent.pem")
            .set(SwarmConf.TLS_KEY_FILE, "/k.pem")
            .set(SwarmConf.TLS_TRUST_FILE, "/t.pem");
    assertThatThrownBy(() -> new SecurityManager(unreadable))
        .isInstanceOf(ConfigException.class)
        .hasMessage("swarmcast.tls.certFile: cannot read /nonexistent.pem");
  }

  @Test
  void theProviderChosenIsTheOneAsked() {
    for (String p : List.of("jdk", "openssl")) {
      SwarmConf conf = new SwarmConf();
      selfSigned(SECRET, p).accept(conf);
      assertThat(SecurityInternals.tls(new SecurityManager(conf)).provider()).isEqualTo(p);
    }
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
