package io.swarmcast.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hand-written DER of a self-signed certificate is what the JDK parses, verifies and
 * fingerprints.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThrowawayCertificateTest {
  @Test
  void aFreshCertificateIsAValidSelfSignedV3EcCertificate() throws Exception {
    ThrowawayCertificate t = ThrowawayCertificate.create("swarmcast-node", 30);
    assertThat(t.certificate.getVersion()).isEqualTo(3);
    assertThat(t.certificate.getSubjectX500Principal().getName()).isEqualTo("CN=swarmcast-node");
    assertThat(t.certificate.getIssuerX500Principal())
        .isEqualTo(t.certificate.getSubjectX500Principal());
    assertThat(t.certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(t.certificate.getPublicKey()).isEqualTo(t.keyPair.getPublic());
    t.certificate.checkValidity();
    t.certificate.checkValidity(new Date(System.currentTimeMillis() + TimeUnit.DAYS.toMillis(29)));
    t.certificate.verify(t.keyPair.getPublic());
  }

  @Test
  void everyCertificateIsNewSoItsFingerprintIdentifiesItsNode() {
    byte[] a = ChannelBinding.sha256(ThrowawayCertificate.create("n", 1).certificate);
    byte[] b = ChannelBinding.sha256(ThrowawayCertificate.create("n", 1).certificate);
    assertThat(a).hasSize(32).isNotEqualTo(b);
  }
}
