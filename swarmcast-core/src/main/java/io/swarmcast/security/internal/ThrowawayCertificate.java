package io.swarmcast.security.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A fresh EC P-256 key and a self-signed X.509 v3 certificate for it, made with public JDK APIs
 * only ({@code swarmcast.tls.selfSigned}). Nobody trusts such a certificate by who signed it: what
 * makes it worth anything is that the authenticated handshake binds its SHA-256 fingerprint (see
 * {@link ChannelBinding}). Netty's {@code SelfSignedCertificate} is deprecated in 4.2 and reaches
 * into JDK internals or BouncyCastle; the JDK has no public certificate builder, so the few DER
 * structures a minimal certificate needs are written here:
 *
 * <pre>
 *   Certificate    ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature BIT STRING }
 *   TBSCertificate ::= SEQUENCE { [0] EXPLICIT version(2 = v3), serialNumber INTEGER, signature AlgorithmIdentifier,
 *                                 issuer Name, validity SEQUENCE { notBefore UTCTime, notAfter UTCTime },
 *                                 subject Name, subjectPublicKeyInfo (the key's own X.509 encoding) }
 *   Name           ::= SEQUENCE { SET { SEQUENCE { OID 2.5.4.3 (CN), UTF8String } } }
 *   AlgorithmIdentifier (ecdsa-with-SHA256) ::= SEQUENCE { OID 1.2.840.10045.4.3.2 }
 * </pre>
 *
 * Immutable.
 */
final class ThrowawayCertificate {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** 1.2.840.10045.4.3.2, ecdsa-with-SHA256, DER-encoded with its tag and length. */
  private static final byte[] ECDSA_WITH_SHA256 = {
    0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02
  };

  /** 2.5.4.3, commonName. */
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  final KeyPair keyPair;
  final X509Certificate certificate;

  private ThrowawayCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /**
   * A new key and certificate named {@code CN=commonName}, valid from a day ago for {@code
   * validDays}.
   */
  static ThrowawayCertificate create(String commonName, int validDays) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair keys = gen.generateKeyPair();
      Instant now = Instant.now();
      byte[] name =
          seq(set(seq(COMMON_NAME, tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
      byte[] algorithm = seq(ECDSA_WITH_SHA256);
      byte[] tbs =
          seq(
              tlv(0xa0, integer(BigInteger.TWO)),
              integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)),
              algorithm,
              name,
              seq(utcTime(now.minusSeconds(86_400)), utcTime(now.plusSeconds(86_400L * validDays))),
              name,
              keys.getPublic().getEncoded());
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate(), RANDOM);
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1]; // leading 0: no unused bits
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
      X509Certificate cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      cert.verify(keys.getPublic()); // what we wrote is what a peer will parse
      return new ThrowawayCertificate(keys, cert);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot create a self-signed certificate: " + e.getMessage(), e);
    }
  }

  private static byte[] utcTime(Instant t) {
    return tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray()); // two's complement, minimal: what DER asks
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(0x31, concat(parts));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** Tag, DER length (short form below 128, else 0x80 | byte count, big-endian), value. */
  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }
}
