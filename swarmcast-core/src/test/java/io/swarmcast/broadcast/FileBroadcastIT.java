package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.security.SecurityManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BroadcastManager#broadcastFile} on real nodes and sockets: a driver and three executors in
 * this JVM, each executor reading through its own node ({@link PieceBroadcast#readThrough}), all at
 * once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileBroadcastIT {
  private static final int EXECUTORS = 3;

  @TempDir Path tmp;

  @Test
  void everyExecutorGetsAReadOnlyCopyThatGoesAwayOnUnpersist() throws Exception {
    Path file = randomFile("model.bin", (10 << 20) + 12345);
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      Swarm swarm = Swarm.start(conf(), nodes);
      Broadcast<Path> b = swarm.driver.broadcastFile(file);
      assertThat(b.value())
          .as("the driver's value is its own file")
          .isEqualTo(file.toAbsolutePath());
      List<Path> copies = swarm.readEverywhere(b);
      for (Path copy : copies) {
        assertThat(copy.getFileName().toString()).endsWith("model.bin");
        assertThat(copy).startsWith(tmp.resolve("storage"));
        assertThat(sha256(copy)).isEqualTo(sha256(file));
        // Not Files.isWritable: root may write anything.
        assertThat(Files.getPosixFilePermissions(copy))
            .as("read-only")
            .doesNotContain(
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);
      }
      long fromPeers =
          swarm.executors.stream().mapToLong(e -> e.stats().total().fromPeersBytes()).sum();
      assertThat(fromPeers).as("executors served each other from their files").isGreaterThan(0);
      b.unpersist(true);
      for (Path copy : copies) {
        assertThat(copy).as("unpersist deletes the executors' files").doesNotExist();
      }
      assertThat(sha256(file)).as("and leaves the driver's own file alone").isEqualTo(sha256(file));
      assertThat(file).exists();
      List<Path> again = swarm.readEverywhere(b);
      assertThat(sha256(again.get(0))).isEqualTo(sha256(file));
      b.destroy();
      for (Path copy : again) {
        assertThat(copy).as("destroy deletes them too").doesNotExist();
      }
    }
  }

  @Test
  void sha256PerPieceAndAnEmptyFileWork() throws Exception {
    Path file = randomFile("table.parquet", 3 << 20);
    Path empty = randomFile("empty", 0);
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      Swarm swarm = Swarm.start(conf().set(SwarmConf.FILE_PIECE_DIGEST, "sha256"), nodes);
      for (Path f : List.of(file, empty)) {
        Broadcast<Path> b = swarm.driver.broadcastFile(f);
        for (Path copy : swarm.readEverywhere(b)) {
          assertThat(Files.size(copy)).isEqualTo(Files.size(f));
          assertThat(sha256(copy)).isEqualTo(sha256(f));
        }
        b.destroy();
      }
    }
  }

  /**
   * Under TLS the pieces cannot go by sendfile: they are read into buffers for the TLS handler
   * instead.
   */
  @Test
  void underTlsPiecesGoThroughBuffersAndArriveIntact() throws Exception {
    Path file = randomFile("weights.bin", (4 << 20) + 7);
    SwarmConf tls =
        conf()
            .set(SwarmConf.AUTHENTICATE, "true")
            .set(SwarmConf.AUTH_SECRET, "file broadcast test secret")
            .set(SwarmConf.TLS_ENABLED, "true")
            .set(SwarmConf.TLS_SELF_SIGNED, "true")
            .set(SwarmConf.TLS_PROVIDER, "jdk");
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      Swarm swarm = Swarm.start(tls, nodes, new SecurityManager(tls));
      Broadcast<Path> b = swarm.driver.broadcastFile(file);
      for (Path copy : swarm.readEverywhere(b)) {
        assertThat(sha256(copy)).isEqualTo(sha256(file));
      }
      b.destroy();
    }
  }

  @Test
  void aMissingFileIsAClearError() throws Exception {
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      Swarm swarm = Swarm.start(conf(), nodes);
      Path missing = tmp.resolve("nope.bin");
      assertThatThrownBy(() -> swarm.driver.broadcastFile(missing))
          .isInstanceOf(BroadcastException.class)
          .hasMessageContaining(missing.toString())
          .hasMessageContaining("no such file");
      assertThatThrownBy(() -> swarm.driver.broadcastFile(tmp))
          .isInstanceOf(BroadcastException.class)
          .hasMessageContaining("not a readable regular file");
    }
  }

  private SwarmConf conf() {
    // Small pieces so that even a 10 MiB file has enough of them to trade.
    return WarmUp.privateConf(new SwarmConf())
        .set(SwarmConf.BLOCK_SIZE, "256k")
        .set(SwarmConf.MIN_BLOCK_SIZE, "64k")
        .set(SwarmConf.STORAGE_DIR, tmp.resolve("storage").toString())
        .set(SwarmConf.DRIVER_SPARE_COPIES, "0");
  }

  private Path randomFile(String name, int bytes) throws Exception {
    byte[] content = new byte[bytes];
    new SplittableRandom(bytes).nextBytes(content);
    return Files.write(tmp.resolve(name), content);
  }

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  /** A driver and its executors, all private nodes of this JVM. */
  private record Swarm(BroadcastManager driver, List<ExecutorNode> executors) {
    static Swarm start(SwarmConf conf, WarmUp.PrivateNodes nodes) throws Exception {
      return start(conf, nodes, SecurityManager.insecure());
    }

    static Swarm start(SwarmConf conf, WarmUp.PrivateNodes nodes, SecurityManager security)
        throws Exception {
      PrivateSwarm swarm = PrivateSwarm.start(conf, EXECUTORS, nodes, security);
      return new Swarm(swarm.driver(), swarm.executors());
    }

    /**
     * Ships the handle to every executor, as an application would (serialized), and reads it there
     * at once.
     */
    List<Path> readEverywhere(Broadcast<Path> b) throws Exception {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ObjectOutputStream o = new ObjectOutputStream(out)) {
        o.writeObject(b);
      }
      List<CompletableFuture<Path>> reads = new ArrayList<>();
      for (ExecutorNode executor : executors) {
        try (ObjectInputStream in =
            new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
          @SuppressWarnings("unchecked")
          PieceBroadcast<Path> handle = (PieceBroadcast<Path>) in.readObject();
          handle.readThrough(executor);
          reads.add(CompletableFuture.supplyAsync(handle::value));
        }
      }
      List<Path> got = new ArrayList<>();
      for (CompletableFuture<Path> r : reads) {
        got.add(r.get(30, TimeUnit.SECONDS));
      }
      return got;
    }
  }
}
