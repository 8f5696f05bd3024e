package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastException;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Unpersist, destroy and concurrent reads, on executor processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BroadcastLifecycleIT {
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = LocalCluster.withExecutors(3, new SwarmConf().set(SwarmConf.BLOCK_SIZE, "256k"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void secondReadIsLocalAndUnpersistMakesTheNextReadFetchAgain() throws Exception {
    byte[] value = BroadcastDeliveryIT.random(3 << 20, 11);
    Broadcast<byte[]> b = cluster.manager.newBroadcast(value, false);
    int executor = cluster.executorIds().get(0);

    ReadTask.Result first = cluster.read(executor, b, value, 1);
    long fetched = first.fromDriverBytes() + first.fromPeersBytes();
    assertThat(first.verified()).isTrue();
    assertThat(fetched).isGreaterThanOrEqualTo(value.length);

    ReadTask.Result cached = cluster.read(executor, b, value, 1);
    assertThat(cached.verified()).isTrue();
    assertThat(cached.fromDriverBytes() + cached.fromPeersBytes()).isZero();

    b.unpersist(true);
    ReadTask.Result again = cluster.read(executor, b, value, 1);
    assertThat(again.verified()).isTrue();
    assertThat(again.fromDriverBytes() + again.fromPeersBytes()).isEqualTo(fetched);
    assertThat(b.value()).isSameAs(value);
    b.destroy();
  }

  @Test
  void useAfterDestroyFailsNamingTheDestroySite() throws Exception {
    byte[] value = BroadcastDeliveryIT.random(1 << 20, 12);
    Broadcast<byte[]> b = cluster.manager.newBroadcast(value, false);
    byte[] handleShippedBeforeDestroy = BroadcastRounds.serialize(b);
    destroyHere(b);

    assertThatThrownBy(b::value)
        .isInstanceOf(BroadcastException.class)
        .hasMessageContaining("Broadcast(" + b.id() + ")")
        .hasMessageContaining("destroyHere");
    assertThatThrownBy(b::unpersist).hasMessageContaining("destroyHere");

    // An executor holding a handle shipped before destroy learns from the driver where it was
    // destroyed.
    byte[] task =
        new ReadTask(1, ReadTaskHandler.digest(value), handleShippedBeforeDestroy).encode();
    ReadTask.Result r =
        ReadTask.Result.decode(
            cluster.driver.runTask(cluster.executorIds().get(1), task).get(60, TimeUnit.SECONDS));
    assertThat(r.verified()).isFalse();
    assertThat(r.error())
        .contains("destroyed")
        .contains("destroyHere")
        .contains("BroadcastLifecycleIT");
  }

  private static void destroyHere(Broadcast<?> b) {
    b.destroy();
  }

  @Test
  void eightConcurrentReadsInOneExecutorFetchOnce() throws Exception {
    byte[] value = BroadcastDeliveryIT.random(4 << 20, 13);
    Broadcast<byte[]> b = cluster.manager.newBroadcast(value, false);
    int executor = cluster.executorIds().get(2);
    ReadTask.Result r = cluster.read(executor, b, value, 8);
    assertThat(r.verified()).isTrue();
    long serialized = BroadcastInternals.serializedBytes(b);
    assertThat(serialized).isBetween((long) value.length, value.length + 4096L);
    // Eight threads asked at once; the executor fetched one copy, and the driver sent one.
    assertThat(r.fromDriverBytes() + r.fromPeersBytes()).isEqualTo(serialized);
    assertThat(cluster.driver.stats().of(b.id()).servedBytes()).isEqualTo(serialized);
    b.destroy();
  }
}
