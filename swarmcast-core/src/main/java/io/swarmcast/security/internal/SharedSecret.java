package io.swarmcast.security.internal;

import io.swarmcast.protocol.AuthChallenge;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret and the proofs made with it. Each side of a connection picks a fresh
 * random nonce; each proves it knows the secret with
 *
 * <pre>
 * HMAC-SHA256(secret, "swarmcast-auth-1" | role | acceptor's nonce | connector's nonce | binding)
 * </pre>
 *
 * where role is {@code "connector"} or {@code "acceptor"}, and binding is empty without TLS and the
 * two certificates' fingerprints with it ({@link ChannelBinding}), so that a proof made in one TLS
 * connection is worthless in another, as a man in the middle would need. The secret never crosses
 * the wire; a proof is bound to both nonces, so a recorded exchange cannot be replayed (the other
 * side's nonce is new every time), and to the role, so a proof cannot be reflected back. Immutable
 * and thread-safe.
 */
public final class SharedSecret {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] LABEL = "swarmcast-auth-1".getBytes(StandardCharsets.US_ASCII);

  private final SecretKeySpec key;

  public SharedSecret(byte[] secret) {
    if (secret.length == 0) {
      throw new IllegalArgumentException("empty secret");
    }
    this.key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** A fresh random nonce. */
  public static byte[] nonce() {
    byte[] n = new byte[AuthChallenge.LENGTH];
    RANDOM.nextBytes(n);
    return n;
  }

  /** The proof of the connecting side. */
  public byte[] connectorProof(byte[] acceptorNonce, byte[] connectorNonce, byte[] binding) {
    return proof("connector", acceptorNonce, connectorNonce, binding);
  }

  /** The proof of the accepting side. */
  public byte[] acceptorProof(byte[] acceptorNonce, byte[] connectorNonce, byte[] binding) {
    return proof("acceptor", acceptorNonce, connectorNonce, binding);
  }

  /** Compares in constant time. */
  public static boolean matches(byte[] expected, byte[] actual) {
    return MessageDigest.isEqual(expected, actual);
  }

  private byte[] proof(String role, byte[] acceptorNonce, byte[] connectorNonce, byte[] binding) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(LABEL);
      mac.update(role.getBytes(StandardCharsets.US_ASCII));
      mac.update(acceptorNonce);
      mac.update(connectorNonce);
      mac.update(binding);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "SharedSecret[hidden]";
  }
}
