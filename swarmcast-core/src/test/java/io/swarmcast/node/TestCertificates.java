package io.swarmcast.node;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A test CA and node certificates from it, written as the PEM files {@code swarmcast.tls.*} reads
 * (netty-pkitesting).
 */
final class TestCertificates {
  final X509Bundle ca;
  private final Path dir;

  TestCertificates(Path dir, String caName) throws Exception {
    this.dir = dir;
    Instant now = Instant.now();
    this.ca =
        new CertificateBuilder()
            .ecp256()
            .subject("CN=" + caName)
            .notBefore(now.minus(1, ChronoUnit.DAYS))
            .notAfter(now.plus(10, ChronoUnit.DAYS))
            .setIsCertificateAuthority(true)
            .buildSelfSigned();
  }

  /**
   * PEM files of a node certificate issued by this CA, valid from {@code notBefore} to {@code
   * notAfter}.
   */
  Files3 node(String name, Instant notBefore, Instant notAfter) throws Exception {
    X509Bundle b =
        new CertificateBuilder()
            .ecp256()
            .subject("CN=" + name)
            .notBefore(notBefore)
            .notAfter(notAfter)
            .buildIssuedBy(ca);
    Path cert = Files.writeString(dir.resolve(name + ".crt"), b.getCertificatePathPEM());
    Path key = Files.writeString(dir.resolve(name + ".key"), b.getPrivateKeyPEM());
    Path trust = Files.writeString(dir.resolve(name + "-trust.crt"), ca.getCertificatePEM());
    return new Files3(cert, key, trust);
  }

  /** A node certificate valid now. */
  Files3 node(String name) throws Exception {
    Instant now = Instant.now();
    return node(name, now.minus(1, ChronoUnit.HOURS), now.plus(1, ChronoUnit.DAYS));
  }

  /** A node's certificate, key and trust files. */
  record Files3(Path cert, Path key, Path trust) {}
}
