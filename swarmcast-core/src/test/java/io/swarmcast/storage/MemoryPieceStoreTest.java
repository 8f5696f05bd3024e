package io.swarmcast.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MemoryPieceStoreTest {
  private final MemoryPieceStore store = new MemoryPieceStore();
  private final List<ByteBuf> created = new ArrayList<>();

  private ByteBuf buf(String content) {
    ByteBuf b =
        UnpooledByteBufAllocator.DEFAULT
            .directBuffer()
            .writeBytes(content.getBytes(StandardCharsets.UTF_8));
    created.add(b);
    return b;
  }

  private static String text(ByteBuf b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  @AfterEach
  void releaseEverything() {
    store.close();
    for (ByteBuf b : created) {
      if (b.refCnt() > 0) {
        b.release(b.refCnt());
      }
    }
  }

  @Test
  void putThenGetAndContains() {
    assertThat(store.put(1, 0, buf("zero"))).isTrue();
    assertThat(store.put(1, 1, buf("one"))).isTrue();
    assertThat(store.put(2, 0, buf("other"))).isTrue();

    assertThat(store.contains(1, 0)).isTrue();
    assertThat(store.contains(1, 1)).isTrue();
    assertThat(store.contains(2, 0)).isTrue();
    assertThat(store.contains(1, 2)).isFalse();
    assertThat(store.contains(3, 0)).isFalse();

    ByteBuf got = store.get(1, 1);
    try {
      assertThat(text(got)).isEqualTo("one");
    } finally {
      got.release();
    }
    assertThat(store.get(1, 2)).isNull();
    assertThat(store.get(3, 0)).isNull();
  }

  @Test
  void bytesStoredCountsReadableBytes() {
    assertThat(store.bytesStored()).isZero();
    store.put(1, 0, buf("12345"));
    store.put(1, 1, buf("123"));
    store.put(2, 0, buf("1234567"));
    assertThat(store.bytesStored()).isEqualTo(15);
  }

  @Test
  void aDuplicatePutReleasesTheNewBufferAndKeepsTheFirst() {
    ByteBuf first = buf("first");
    ByteBuf second = buf("second");
    assertThat(store.put(1, 0, first)).isTrue();

    assertThat(store.put(1, 0, second)).isFalse();

    assertThat(second.refCnt()).as("duplicate released").isZero();
    assertThat(first.refCnt()).as("stored piece untouched").isEqualTo(1);
    assertThat(store.bytesStored()).isEqualTo(5);
    ByteBuf got = store.get(1, 0);
    try {
      assertThat(text(got)).isEqualTo("first");
    } finally {
      got.release();
    }
  }

  @Test
  void getReturnsARetainedDuplicateThatCanBeReleasedIndependently() {
    ByteBuf stored = buf("payload");
    store.put(1, 0, stored);

    ByteBuf got = store.get(1, 0);
    assertThat(got).isNotSameAs(stored);
    assertThat(stored.refCnt()).as("get retained the stored piece").isEqualTo(2);

    // Reading the duplicate moves its own reader index, not the stored one.
    got.skipBytes(3);
    assertThat(stored.readableBytes()).isEqualTo(7);

    got.release();
    assertThat(stored.refCnt()).as("stored piece still alive").isEqualTo(1);

    ByteBuf again = store.get(1, 0);
    try {
      assertThat(text(again)).isEqualTo("payload");
    } finally {
      again.release();
    }
    assertThat(store.bytesStored()).isEqualTo(7);
  }

  @Test
  void removeBroadcastReleasesItsPiecesAndUpdatesBytesStored() {
    ByteBuf a = buf("aaaa");
    ByteBuf b = buf("bb");
    ByteBuf other = buf("ccc");
    store.put(1, 0, a);
    store.put(1, 1, b);
    store.put(2, 0, other);
    assertThat(store.bytesStored()).isEqualTo(9);

    assertThat(store.removeBroadcast(1)).isEqualTo(2);

    assertThat(a.refCnt()).isZero();
    assertThat(b.refCnt()).isZero();
    assertThat(other.refCnt()).isEqualTo(1);
    assertThat(store.bytesStored()).isEqualTo(3);
    assertThat(store.contains(1, 0)).isFalse();
    assertThat(store.get(1, 1)).isNull();
    assertThat(store.contains(2, 0)).isTrue();

    assertThat(store.removeBroadcast(1)).as("second removal").isZero();
    assertThat(store.removeBroadcast(42)).as("unknown broadcast").isZero();
  }

  @Test
  void aReferenceHandedOutSurvivesRemoval() {
    ByteBuf stored = buf("still readable");
    store.put(1, 0, stored);
    ByteBuf got = store.get(1, 0);

    store.removeBroadcast(1);

    try {
      assertThat(got.refCnt()).isPositive();
      assertThat(text(got)).isEqualTo("still readable");
    } finally {
      got.release();
    }
    assertThat(stored.refCnt()).isZero();
  }

  @Test
  void aPieceCanBeStoredAgainAfterRemoval() {
    store.put(1, 0, buf("old"));
    store.removeBroadcast(1);
    assertThat(store.put(1, 0, buf("new"))).isTrue();
    ByteBuf got = store.get(1, 0);
    try {
      assertThat(text(got)).isEqualTo("new");
    } finally {
      got.release();
    }
    assertThat(store.bytesStored()).isEqualTo(3);
  }

  @Test
  void closeReleasesEverything() {
    ByteBuf a = buf("a");
    ByteBuf b = buf("b");
    store.put(1, 0, a);
    store.put(2, 5, b);
    store.close();
    assertThat(a.refCnt()).isZero();
    assertThat(b.refCnt()).isZero();
    assertThat(store.bytesStored()).isZero();
    assertThat(store.contains(1, 0)).isFalse();
  }
}
