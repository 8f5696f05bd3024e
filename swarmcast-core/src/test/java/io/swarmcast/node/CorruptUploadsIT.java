package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.storage.Checksums;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.TestHandlers;
import io.swarmcast.transport.TransportContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An executor started with {@link NodeFaults#FLIP_BITS} (fault injection): a peer asking it for a
 * piece gets one bit flipped, while the executor's own copy stays as the driver cut it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorruptUploadsIT {
  @Test
  void aCorruptingExecutorServesFlippedBitsAndKeepsItsOwnCopyIntact() throws Exception {
    SwarmConf driverConf =
        new SwarmConf()
            .set(SwarmConf.DRIVER_PORT, "0")
            .set(SwarmConf.BLOCK_SIZE, "64k")
            .set(SwarmConf.COMPRESS, "none");
    try (BroadcastManager driverManager =
        new BroadcastManager(true, driverConf, SecurityManager.insecure())) {
      DriverNode driver = (DriverNode) BroadcastInternals.node(driverManager);
      SwarmConf conf =
          new SwarmConf().set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()));
      try (BroadcastManager executor =
              new BroadcastManager(false, conf, SecurityManager.insecure());
          TransportContext transport =
              new TransportContext(new SwarmConf(), SecurityManager.insecure(), "peer")) {
        BroadcastInternals.node(executor).setUploadFilter(NodeFaults.FLIP_BITS);
        byte[] value = random(1 << 20, 11);
        Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
        assertThat(SwarmNodeTestSupport.roundTrip(b).value())
            .as("the corrupting executor reads the value itself")
            .isEqualTo(value);
        int pieces = driver.blockManager().piecesHeld(b.id(), 1 << 10).cardinality();
        assertThat(
                BroadcastInternals.node(executor)
                    .blockManager()
                    .piecesHeld(b.id(), pieces)
                    .cardinality())
            .isEqualTo(pieces);

        Connection peer =
            transport
                .connect(
                    "127.0.0.1",
                    BroadcastInternals.node(executor).endpoint().port(),
                    Greeting.hello(99, BroadcastInternals.node(executor).driverIncarnation()),
                    TestHandlers.forAll((from, m) -> {}))
                .get(5, TimeUnit.SECONDS);
        for (int p = 0; p < pieces; p++) {
          int piece = p;
          PieceData served =
              (PieceData)
                  peer.request(id -> new FetchPiece(id, b.id(), piece), PieceData.class)
                      .get(10, TimeUnit.SECONDS);
          ByteBuf original = driver.blockManager().getPiece(b.id(), piece);
          ByteBuf kept = BroadcastInternals.node(executor).blockManager().getPiece(b.id(), piece);
          try {
            assertThat(Checksums.crc32c(served.data()))
                .as("piece %d as served", piece)
                .isNotEqualTo(Checksums.crc32c(original));
            assertThat(differingBits(served.data(), original)).as("piece %d", piece).isEqualTo(1);
            assertThat(ByteBufUtil.equals(kept, original)).as("piece %d as stored", piece).isTrue();
          } finally {
            served.release();
            original.release();
            kept.release();
          }
        }
      }
    }
  }

  private static int differingBits(ByteBuf a, ByteBuf b) {
    assertThat(a.readableBytes()).isEqualTo(b.readableBytes());
    int n = 0;
    for (int i = 0; i < a.readableBytes(); i++) {
      n +=
          Integer.bitCount(
              (a.getByte(a.readerIndex() + i) ^ b.getByte(b.readerIndex() + i)) & 0xff);
    }
    return n;
  }
}
