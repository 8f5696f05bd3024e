package io.swarmcast.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.swarmcast.transport.RawSocket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever bytes arrive, the decoders either produce messages or fail with the protocol's own
 * exceptions: {@link ProtocolException} from a frame body, a {@link DecoderException} (which wraps
 * it, or is a framing error) from the pipeline. Any other exception is a finding, and so is a
 * leaked buffer (the leak detector runs at paranoid in tests and fails the class).
 *
 * <p>Jazzer {@code @FuzzTest}s: in the normal build they run in regression mode, over the inputs
 * checked in under {@code src/test/resources/io/swarmcast/protocol/MessageDecoderFuzzTestInputs/}
 * (the frames of every sample message, whole and cut); {@code JAZZER_FUZZ=1 mvn -pl swarmcast-core
 * test -Dtest=MessageDecoderFuzzTest} fuzzes for real (1–2 GB of memory; findings land next to
 * those inputs, the working corpus in {@code .cifuzz-corpus}, which git ignores). The samples are
 * also run through both targets by a plain test, so a changed message layout is covered before the
 * inputs are regenerated.
 */
class MessageDecoderFuzzTest {
  /**
   * Small, so that the fuzzer reaches the too-long-frame path; the decoders do not depend on it.
   */
  private static final int MAX_FRAME = 64 << 10;

  /**
   * Per input in regression mode (each takes milliseconds); when fuzzing, the whole run, which
   * {@code @FuzzTest}'s default maxDuration ends after 5 minutes.
   */
  private static final long FUZZ_TIMEOUT_MINUTES = 6;

  /** One frame body, as {@link MessageDecoder#decode(ByteBuf)} takes it after the framer. */
  @FuzzTest
  @Timeout(value = FUZZ_TIMEOUT_MINUTES, unit = TimeUnit.MINUTES)
  void frameBody(byte[] body) {
    ByteBuf frame = Unpooled.wrappedBuffer(body);
    try {
      ReferenceCountUtil.release(MessageDecoder.decode(frame));
    } catch (ProtocolException expected) {
      // a frame that breaks the protocol: the connection handler closes its connection
    } finally {
      frame.release();
    }
  }

  /**
   * A byte stream through the framer and the decoder, in socket reads of one size: the first byte
   * chooses it (1 to 4336 bytes), the rest is the stream.
   */
  @FuzzTest
  @Timeout(value = FUZZ_TIMEOUT_MINUTES, unit = TimeUnit.MINUTES)
  void stream(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int readSize = 1 + (input[0] & 0xff) * 17;
    EmbeddedChannel ch =
        new EmbeddedChannel(MessageDecoder.framer(MAX_FRAME), MessageDecoder.INSTANCE);
    try {
      for (int at = 1; at < input.length; at += readSize) {
        ch.writeInbound(Unpooled.wrappedBuffer(input, at, Math.min(readSize, input.length - at)));
        for (Object m; (m = ch.readInbound()) != null; ) {
          ReferenceCountUtil.release(m);
        }
      }
    } catch (DecoderException expected) {
      // framing error, or a ProtocolException wrapped by the decoder: the connection would close
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void everySampleWholeAndCutGoesThroughBothTargets() {
    Stream.concat(MessageCodecTest.samples().stream(), MessageCodecTest.edgeSamples().stream())
        .forEach(
            m -> {
              byte[] frame = RawSocket.frame(m);
              for (int cut = 0; cut <= frame.length; cut += Math.max(1, frame.length / 16)) {
                byte[] prefix = Arrays.copyOf(frame, cut);
                frameBody(cut < 4 ? prefix : Arrays.copyOfRange(prefix, 4, cut));
                for (int readSizeByte : new int[] {0, 255}) {
                  byte[] stream = new byte[1 + prefix.length];
                  stream[0] = (byte) readSizeByte;
                  System.arraycopy(prefix, 0, stream, 1, prefix.length);
                  stream(stream);
                }
              }
            });
  }
}
