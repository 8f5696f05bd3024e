package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.security.SecurityManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ordinary broadcast eight times the nodes' memory budget ({@code
 * swarmcast.storage.memoryBytes}): the driver and three executors (private nodes of this JVM, real
 * sockets) keep what fits in memory and the rest on disk, serve spilled pieces to each other, read
 * the value intact, and delete their spill files when it is destroyed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpillIT {
  private static final int EXECUTORS = 3;

  @TempDir Path tmp;

  @Test
  void aBroadcastLargerThanTheMemoryBudgetSpillsAndArrivesIntact() throws Exception {
    SwarmConf conf =
        WarmUp.privateConf(new SwarmConf())
            .set(SwarmConf.BLOCK_SIZE, "256k")
            .set(SwarmConf.MIN_BLOCK_SIZE, "64k")
            .set(SwarmConf.COMPRESS, "none")
            .set(SwarmConf.STORAGE_MEMORY_BYTES, "2m")
            .set(SwarmConf.STORAGE_DIR, tmp.toString())
            .set(SwarmConf.DRIVER_SPARE_COPIES, "0");
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      PrivateSwarm swarm = PrivateSwarm.start(conf, EXECUTORS, nodes, SecurityManager.insecure());
      BroadcastManager driver = swarm.driver();
      List<ExecutorNode> executors = swarm.executors();

      byte[] value = new byte[16 << 20];
      new SplittableRandom(5).nextBytes(value);
      Broadcast<byte[]> b = driver.newBroadcast(value, false);
      assertThat(driver.node().blockManager().bytesSpilled())
          .as("the driver's pieces beyond 2 MiB")
          .isGreaterThan(12L << 20);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ObjectOutputStream o = new ObjectOutputStream(out)) {
        o.writeObject(b);
      }
      List<CompletableFuture<byte[]>> reads = new ArrayList<>();
      for (ExecutorNode executor : executors) {
        try (ObjectInputStream in =
            new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
          @SuppressWarnings("unchecked")
          PieceBroadcast<byte[]> handle = (PieceBroadcast<byte[]>) in.readObject();
          handle.readThrough(executor);
          reads.add(CompletableFuture.supplyAsync(handle::value));
        }
      }
      for (CompletableFuture<byte[]> r : reads) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(value);
      }
      long fromPeers = 0;
      for (ExecutorNode e : executors) {
        assertThat(e.blockManager().bytesSpilled())
            .as("executor %d spilled", e.executorId())
            .isGreaterThan(12L << 20);
        fromPeers += e.stats().total().fromPeersBytes();
      }
      assertThat(fromPeers)
          .as("executors served each other, spilled pieces included")
          .isGreaterThan(16L << 20);
      try (var files = Files.walk(tmp)) {
        assertThat(files.filter(p -> p.toString().endsWith(".spill")).count())
            .isEqualTo(EXECUTORS + 1);
      }

      b.destroy();
      for (ExecutorNode e : executors) {
        await("executor " + e.executorId() + " dropped the destroyed broadcast")
            .atMost(Duration.ofSeconds(5))
            .untilAsserted(() -> assertThat(e.blockManager().bytesStored()).isZero());
      }
      try (var files = Files.walk(tmp)) {
        assertThat(files.filter(p -> p.toString().endsWith(".spill")))
            .as("destroy deletes every spill file")
            .isEmpty();
      }
    }
  }
}
