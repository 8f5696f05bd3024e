package io.swarmcast.protocol;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Accepting side to connecting side, in answer to its opening when the accepting node has a shared
 * secret: a fresh random nonce the connecting side must prove the secret against (see {@link
 * AuthProof}). Consumed by the transport's handshake.
 *
 * <pre>auth-challenge: &lt;i64 requestId&gt;&lt;32 bytes nonce&gt;</pre>
 */
public record AuthChallenge(long requestId, byte[] nonce) implements Message.Response {
  /** Bytes of a nonce and of a proof (HMAC-SHA256). */
  public static final int LENGTH = 32;

  public AuthChallenge {
    if (nonce.length != LENGTH) {
      throw new ProtocolException("a nonce has " + LENGTH + " bytes, not " + nonce.length);
    }
    nonce = nonce.clone();
  }

  @Override
  public byte[] nonce() {
    return nonce.clone();
  }

  @Override
  public MessageType type() {
    return MessageType.AUTH_CHALLENGE;
  }

  @Override
  public int encodedLength() {
    return 8 + LENGTH;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeLong(requestId).writeBytes(nonce);
  }

  public static AuthChallenge decode(ByteBuf in) {
    long requestId = in.readLong();
    byte[] nonce = new byte[LENGTH];
    in.readBytes(nonce);
    return new AuthChallenge(requestId, nonce);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthChallenge c
        && c.requestId == requestId
        && Arrays.equals(c.nonce, nonce);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(requestId) * 31 + Arrays.hashCode(nonce);
  }

  @Override
  public String toString() {
    return "AuthChallenge[requestId=" + requestId + "]";
  }
}
