package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * One side's proof that it knows the shared secret: an HMAC-SHA256 over both sides' nonces and its
 * own role (see {@code io.swarmcast.security.internal.SharedSecret}). The connecting side sends its
 * nonce with it, in answer to the {@link AuthChallenge}; the accepting side answers with its own
 * proof (and an all-zero nonce field) before it admits the connection. Consumed by the transport's
 * handshake; the secret itself never crosses the wire.
 *
 * <pre>auth-proof: &lt;i64 requestId&gt;&lt;32 bytes nonce&gt;&lt;32 bytes proof&gt;</pre>
 */
public record AuthProof(long requestId, byte[] nonce, byte[] proof) implements Message.Response {
  public AuthProof {
    if (nonce.length != AuthChallenge.LENGTH || proof.length != AuthChallenge.LENGTH) {
      throw new ProtocolException(
          "a nonce and a proof have "
              + AuthChallenge.LENGTH
              + " bytes each, not "
              + nonce.length
              + " and "
              + proof.length);
    }
    nonce = nonce.clone();
    proof = proof.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public byte[] proof() {
    return proof.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.AUTH_PROOF;
  }

  @Override
  public int encodedLength() {
    return 8 + 2 * AuthChallenge.LENGTH;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeBytes(nonce).writeBytes(proof);
  }

  public static AuthProof decode(ByteBuf in) {
    long requestId = in.readLong();
    byte[] nonce = new byte[AuthChallenge.LENGTH];
    in.readBytes(nonce);
    byte[] proof = new byte[AuthChallenge.LENGTH];
    in.readBytes(proof);
    return new AuthProof(requestId, nonce, proof);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthProof p
        && p.requestId == requestId
        && Arrays.equals(p.nonce, nonce)
        && Arrays.equals(p.proof, proof);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(requestId) * 31 + Arrays.hashCode(nonce)) * 31 + Arrays.hashCode(proof);
  }

  @Override
  public String toString() {
    return "AuthProof[requestId=" + requestId + "]";
  }
}
