package io.swarmcast.protocol;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.MemoryPieceStore;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link PieceData} owns exactly one buffer, holding exactly its piece: received pieces are
 * copied out of the socket's read buffers, so storing one pins nothing else and the store's byte
 * count is the memory it holds.
 */
@Timeout(10)
class PieceDataOwnershipTest {

  @Test
  void itIsAByteBufHolderOfItsData() {
    ByteBuf data = Unpooled.directBuffer(16).writeLong(7);
    PieceData p = new PieceData(1, 2, 3, data);
    assertThat(p).isInstanceOf(ByteBufHolder.class);
    assertThat(p.content()).isSameAs(p.data()).isSameAs(data);
    assertThat(p.retain().refCnt()).isEqualTo(2);
    assertThat(p.release()).isFalse();
    assertThat(ReferenceCountUtil.release(p)).as("the last reference frees the data").isTrue();
    assertThat(data.refCnt()).isZero();
  }

  @Test
  void receivedPiecesAreExactSizeAndFreeTheReadBuffersTheyCameIn() {
    EmbeddedChannel channel =
        new EmbeddedChannel(
            MessageDecoder.framer(1 << 20), MessageDecoder.INSTANCE, MessageEncoder.INSTANCE);
    List<ByteBuf> reads = new ArrayList<>();
    long expected = 0;
    try (BlockManager blocks = new BlockManager(new MemoryPieceStore())) {
      for (int piece = 0; piece < 3; piece++) {
        byte[] bytes = random(10_000 + piece * 777, piece);
        expected += bytes.length;
        channel.writeOutbound(new PieceData(piece, 9, piece, Unpooled.wrappedBuffer(bytes)));
        // The frame arrives in socket-sized reads, each in a buffer much larger than its bytes.
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
          wire.writeBytes(b);
          b.release();
        }
        while (wire.isReadable()) {
          ByteBuf read =
              Unpooled.directBuffer(64 << 10)
                  .writeBytes(wire, Math.min(1500, wire.readableBytes()));
          reads.add(read);
          channel.writeInbound(read.retain());
        }
        wire.release();
        PieceData received = channel.readInbound();
        assertThat(received.data().capacity())
            .as("capacity of piece %d", piece)
            .isEqualTo(bytes.length);
        assertThat(received.data().readableBytes()).isEqualTo(bytes.length);
        assertThat(ByteBufUtil.getBytes(received.data())).isEqualTo(bytes);
        blocks.putPiece(9, piece, received.data());
      }
      assertThat(blocks.bytesStored()).isEqualTo(expected);
      for (ByteBuf read : reads) {
        assertThat(read.refCnt()).as("a read buffer pinned by a stored piece").isEqualTo(1);
        read.release();
      }
      for (int piece = 0; piece < 3; piece++) {
        ByteBuf stored = blocks.getPiece(9, piece);
        assertThat(stored.capacity()).isEqualTo(stored.readableBytes());
        stored.release();
      }
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  /**
   * A piece framed across many read buffers is copied into its own buffer without passing through
   * the heap: a composite asked for one NIO buffer of itself copies every byte into a new array.
   */
  @Test
  void decodingAPieceSpreadOverReadBuffersAllocatesAlmostNothingOnTheHeap() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long self = Thread.currentThread().getId();
    int pieceBytes = 4 << 20;
    for (int round = 0; round < 3; round++) { // the first rounds load classes, which allocates
      CompositeByteBuf frame = ByteBufAllocator.DEFAULT.compositeDirectBuffer(Integer.MAX_VALUE);
      ByteBuf header = ByteBufAllocator.DEFAULT.directBuffer(25);
      header
          .writeByte(MessageType.PIECE_DATA.id())
          .writeLong(1)
          .writeLong(2)
          .writeInt(3)
          .writeInt(pieceBytes);
      frame.addComponent(true, header);
      for (int off = 0; off < pieceBytes; off += 64 << 10) {
        frame.addComponent(
            true, ByteBufAllocator.DEFAULT.directBuffer(64 << 10).writeZero(64 << 10));
      }
      ByteBuf slice = frame.retainedSlice(); // as the framer hands it on
      frame.release();

      long before = threads.getThreadAllocatedBytes(self);
      PieceData p = (PieceData) MessageDecoder.decode(slice);
      long allocated = threads.getThreadAllocatedBytes(self) - before;

      slice.release();
      assertThat(p.data().readableBytes()).isEqualTo(pieceBytes);
      p.release();
      if (round == 2) {
        assertThat(allocated)
            .as("heap bytes allocated to decode a 4 MiB piece")
            .isLessThan(256 << 10);
      }
    }
  }
}
