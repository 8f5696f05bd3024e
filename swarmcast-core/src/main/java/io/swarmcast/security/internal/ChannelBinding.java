package io.swarmcast.security.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What ties the shared-secret proofs to the TLS connection they travel in:
 *
 * <pre>
 *   binding = SHA-256(acceptor's certificate, DER) | SHA-256(connector's certificate, DER)   (64 bytes)
 * </pre>
 *
 * Both sides compute it from their TLS session (their own certificate and the one the peer showed);
 * {@link SharedSecret} puts it inside both proofs. A man in the middle terminates TLS with its own
 * certificates, so the two sides compute different bindings and each refuses the other's proof,
 * even though the middle relays every byte of the exchange. With self-signed certificates ({@code
 * swarmcast.tls.selfSigned}) this is the only check of the certificates: it is how an executor
 * verifies the driver's certificate by its fingerprint. Without TLS the binding is empty.
 * Stateless.
 */
public final class ChannelBinding {
  /** No TLS: the proofs bind nothing beyond the nonces. */
  public static final byte[] NONE = new byte[0];

  private ChannelBinding() {}

  /**
   * The binding of an established TLS session; {@code connector}: this side opened the connection.
   *
   * @throws SSLPeerUnverifiedException if the peer showed no certificate (mutual TLS requires one)
   */
  public static byte[] of(SSLSession session, boolean connector) throws SSLPeerUnverifiedException {
    Certificate[] local = session.getLocalCertificates();
    Certificate[] peer = session.getPeerCertificates();
    if (local == null || local.length == 0) {
      throw new SSLPeerUnverifiedException("this side presented no certificate");
    }
    byte[] mine = sha256(local[0]);
    byte[] theirs = sha256(peer[0]);
    byte[] acceptor = connector ? theirs : mine;
    byte[] connecting = connector ? mine : theirs;
    byte[] out = new byte[64];
    System.arraycopy(acceptor, 0, out, 0, 32);
    System.arraycopy(connecting, 0, out, 32, 32);
    return out;
  }

  /**
   * SHA-256 of a certificate's DER encoding: its fingerprint, as {@code openssl x509 -fingerprint
   * -sha256} prints it.
   */
  public static byte[] sha256(Certificate cert) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
    }
  }
}
