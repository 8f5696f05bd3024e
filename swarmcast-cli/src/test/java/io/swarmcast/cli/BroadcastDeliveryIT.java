package io.swarmcast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.security.SecurityManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Torrent and direct deliver the driver's exact bytes to four executor processes. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BroadcastDeliveryIT {
  private static final int EXECUTORS = 4;
  private static final int SIZE = 24 << 20;

  @ParameterizedTest
  @ValueSource(strings = {"torrent", "direct"})
  void everyExecutorReadsTheExactValue(String factory) throws Exception {
    SwarmConf conf =
        new SwarmConf()
            .set(SwarmConf.BROADCAST_FACTORY, factory)
            .set(SwarmConf.BLOCK_SIZE, "1m")
            .set(SwarmConf.COMPRESS, "none");
    try (LocalCluster cluster = LocalCluster.withExecutors(EXECUTORS, conf)) {
      byte[] value = random(SIZE, 7);
      Broadcast<byte[]> b = cluster.manager.newBroadcast(value, false);
      List<ReadTask.Result> results = readEverywhere(cluster, b, value);

      long received = 0;
      for (ReadTask.Result r : results) {
        assertThat(r.error()).isEmpty();
        assertThat(r.verified()).isTrue();
        received += r.fromDriverBytes() + r.fromPeersBytes();
      }
      long driverSent = cluster.driver.stats().of(b.id()).servedBytes();
      long serialized = received / EXECUTORS;
      assertThat(serialized).isBetween((long) SIZE, SIZE + 4096L);
      if (factory.equals("torrent")) {
        // Executors serve each other: the driver sends far less than one copy per executor.
        assertThat(driverSent).isLessThanOrEqualTo(2 * serialized);
        assertThat(results.stream().mapToLong(ReadTask.Result::fromPeersBytes).sum())
            .isGreaterThan(serialized);
      } else {
        assertThat(driverSent).isEqualTo(EXECUTORS * serialized);
        assertThat(results).allSatisfy(r -> assertThat(r.fromPeersBytes()).isZero());
      }
      b.destroy();
    }
  }

  @Test
  void valuesOfManyBroadcastsStaySeparate() throws Exception {
    try (LocalCluster cluster = LocalCluster.withExecutors(2)) {
      List<byte[]> values = new ArrayList<>();
      List<Broadcast<byte[]>> handles = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        values.add(random(100_000 + i * 5000, i));
        handles.add(cluster.manager.newBroadcast(values.get(i), false));
      }
      for (int i = 0; i < 5; i++) {
        for (int id : cluster.executorIds()) {
          assertThat(cluster.read(id, handles.get(i), values.get(i), 1).verified()).isTrue();
        }
      }
    }
  }

  /**
   * A small broadcast reaches each executor straight from the driver, in one round trip, on the
   * driver's spare copies; without them the driver sends one copy and the executors pass it on.
   */
  @ParameterizedTest
  @ValueSource(strings = {"4m", "0"})
  void aSmallBroadcastComesStraightFromTheDriverWhileSpareCopiesLast(String spare)
      throws Exception {
    SwarmConf conf =
        new SwarmConf().set(SwarmConf.DRIVER_SPARE_COPIES, spare).set(SwarmConf.COMPRESS, "none");
    try (LocalCluster cluster = LocalCluster.withExecutors(EXECUTORS, conf)) {
      byte[] value = random(16 << 10, 11);
      Broadcast<byte[]> b = cluster.manager.newBroadcast(value, false);
      long fromDriver = 0;
      long fromPeers = 0;
      for (int id :
          cluster.executorIds()) { // one after another: each later one could fetch from a peer
        ReadTask.Result r = cluster.read(id, b, value, 1);
        assertThat(r.verified()).isTrue();
        fromDriver += r.fromDriverBytes();
        fromPeers += r.fromPeersBytes();
      }
      long serialized = (fromDriver + fromPeers) / EXECUTORS;
      long driverSent = cluster.driver.stats().of(b.id()).servedBytes();
      if (spare.equals("0")) {
        assertThat(driverSent).isEqualTo(serialized);
        assertThat(fromPeers).isEqualTo((EXECUTORS - 1) * serialized);
      } else {
        // The driver sent each executor a copy. A later executor may still take a peer's copy
        // first: the tracker's answer names holders while the driver's spare copy is on its way.
        assertThat(driverSent).isEqualTo(EXECUTORS * serialized);
      }
      b.destroy();
    }
  }

  @Test
  void localBroadcastIsReadInTheDriverJvmWithoutTheNetwork() throws Exception {
    SwarmConf conf = new SwarmConf().set(SwarmConf.DRIVER_PORT, "0");
    try (BroadcastManager manager = new BroadcastManager(true, conf, SecurityManager.insecure())) {
      byte[] value = random(1 << 20, 3);
      Broadcast<byte[]> b = manager.newBroadcast(value, true);
      assertThat(b.value()).isSameAs(value);
      Broadcast<?> copy = ReadTaskHandler.deserialize(BroadcastRounds.serialize(b));
      assertThat(copy.value()).isSameAs(value);
      DriverNode node = (DriverNode) BroadcastInternals.node(manager);
      assertThat(node.blockManager().bytesStored()).isZero();
    }
  }

  static List<ReadTask.Result> readEverywhere(
      LocalCluster cluster, Broadcast<byte[]> b, byte[] value) throws Exception {
    List<CompletableFuture<ReadTask.Result>> futures = new ArrayList<>();
    for (int id : cluster.executorIds()) {
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return cluster.read(id, b, value, 1);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    List<ReadTask.Result> results = new ArrayList<>();
    for (CompletableFuture<ReadTask.Result> f : futures) {
      results.add(f.get(150, TimeUnit.SECONDS));
    }
    return results;
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }
}
