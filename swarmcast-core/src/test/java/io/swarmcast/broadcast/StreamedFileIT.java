package io.swarmcast.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.node.NodeFaults;
import io.swarmcast.security.SecurityManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file broadcast is served while the driver reads it: real nodes and sockets in this JVM, the
 * driver's reader held at a piece ({@link NodeFaults#beforeFileRead}) to make "not read yet" an
 * event, not a timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamedFileIT {
  @TempDir Path tmp;

  @Test
  void theHandleAndTheFirstPieceComeBeforeTheDriverHasReadTheFile() throws Exception {
    Path file = randomFile("model.bin", 4 << 20);
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      PrivateSwarm swarm = PrivateSwarm.start(conf(), 2, nodes, SecurityManager.insecure());
      DriverNode driver = (DriverNode) swarm.driver().node();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      NodeFaults.beforeFileRead(
          driver,
          piece -> {
            if (piece == 1) {
              held.countDown();
              await(release);
            }
          });
      // Returns although the reader cannot get past piece 0 until this test lets it.
      Broadcast<Path> b = swarm.driver().broadcastFile(file);
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      int pieces = ((FileBroadcast) b).pieceCount();
      assertThat(pieces).as("enough pieces to hold the reader inside the file").isGreaterThan(2);
      CompletableFuture<Path> read = readOn(swarm.executors().get(0), b);
      ExecutorNode executor = swarm.executors().get(0);
      Awaitility.await("the executor stored piece 0")
          .atMost(Duration.ofSeconds(30))
          .until(() -> executor.blockManager().hasPiece(b.id(), 0));
      assertThat(swarm.driver().fileDigest(b))
          .as("the driver has not read the file to its end")
          .isNotDone();
      assertThat(executor.blockManager().hasPiece(b.id(), pieces - 1)).isFalse();
      assertThat(read).isNotDone();
      release.countDown();
      Path copy = read.get(30, TimeUnit.SECONDS);
      assertThat(FileBroadcastIT.sha256(copy)).isEqualTo(FileBroadcastIT.sha256(file));
      assertThat(swarm.driver().fileDigest(b).get(10, TimeUnit.SECONDS))
          .isEqualTo(FileBroadcastIT.sha256(file));
      // A second executor, once the driver has read it all, gets it from the first and the driver
      // alike.
      assertThat(
              FileBroadcastIT.sha256(readOn(swarm.executors().get(1), b).get(30, TimeUnit.SECONDS)))
          .isEqualTo(FileBroadcastIT.sha256(file));
      b.destroy();
      assertThat(copy).doesNotExist();
    }
  }

  @Test
  void aFileThatGrowsWhileItIsReadFailsClearlyOnTheExecutorAndTheDriver() throws Exception {
    Path file = randomFile("grows.bin", 2 << 20);
    assertChangeIsCaught(
        file, () -> Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND));
  }

  @Test
  void aFileRewrittenInPlaceWhileItIsReadFailsClearly() throws Exception {
    Path file = randomFile("rewritten.bin", 2 << 20);
    assertChangeIsCaught(
        file,
        () -> {
          FileTime before = Files.getLastModifiedTime(file);
          try (var ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {9, 9, 9}), 0); // a piece already checksummed
          }
          // The same size; the modification time is what shows it (set apart explicitly: a coarse
          // clock may not).
          Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5_000));
        });
  }

  private void assertChangeIsCaught(Path file, ThrowingRunnable change) throws Exception {
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      PrivateSwarm swarm = PrivateSwarm.start(conf(), 1, nodes, SecurityManager.insecure());
      DriverNode driver = (DriverNode) swarm.driver().node();
      CountDownLatch held = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      NodeFaults.beforeFileRead(
          driver,
          piece -> {
            if (piece == 2) {
              held.countDown();
              await(release);
            }
          });
      Broadcast<Path> b = swarm.driver().broadcastFile(file);
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Path> read = readOn(swarm.executors().get(0), b);
      change.run();
      release.countDown();
      assertThatThrownBy(() -> read.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(BroadcastException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("changed while the driver read it");
      assertThatThrownBy(() -> swarm.driver().fileDigest(b).get(10, TimeUnit.SECONDS))
          .cause()
          .hasMessageContaining("changed while the driver read it");
      Path where = swarm.executors().get(0).fileDirectory();
      b.destroy();
      assertThat(where)
          .as("the partial copy is deleted with the broadcast")
          .satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }
  }

  @Test
  void aPeerServingCorruptPiecesIsCaughtAndTheFileStillVerifies() throws Exception {
    Path file = randomFile("weights.bin", 3 << 20);
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      PrivateSwarm swarm = PrivateSwarm.start(conf(), 2, nodes, SecurityManager.insecure());
      Broadcast<Path> b = swarm.driver().broadcastFile(file);
      ExecutorNode liar = swarm.executors().get(0);
      readOn(liar, b).get(30, TimeUnit.SECONDS);
      liar.setUploadFilter(NodeFaults.FLIP_BITS);
      ExecutorNode honest = swarm.executors().get(1);
      // The liar holds every piece, so the honest executor asks it first (the driver is asked for
      // the rest).
      Path copy = readOn(honest, b).get(30, TimeUnit.SECONDS);
      assertThat(FileBroadcastIT.sha256(copy)).isEqualTo(FileBroadcastIT.sha256(file));
      assertThat(honest.stats().total().corruptPieces())
          .as("the liar's pieces were refused")
          .isGreaterThan(0);
      b.destroy();
    }
  }

  @Test
  void sha256PerPieceWhileStreamingUnderTls() throws Exception {
    Path file = randomFile("table.parquet", (3 << 20) + 5);
    SwarmConf tls =
        conf()
            .set(SwarmConf.FILE_PIECE_DIGEST, "sha256")
            .set(SwarmConf.AUTHENTICATE, "true")
            .set(SwarmConf.AUTH_SECRET, "streamed file test secret")
            .set(SwarmConf.TLS_ENABLED, "true")
            .set(SwarmConf.TLS_SELF_SIGNED, "true")
            .set(SwarmConf.TLS_PROVIDER, "jdk");
    try (WarmUp.PrivateNodes nodes = new WarmUp.PrivateNodes()) {
      PrivateSwarm swarm = PrivateSwarm.start(tls, 2, nodes, new SecurityManager(tls));
      Broadcast<Path> b = swarm.driver().broadcastFile(file);
      CompletableFuture<Path> one = readOn(swarm.executors().get(0), b);
      CompletableFuture<Path> two = readOn(swarm.executors().get(1), b);
      assertThat(FileBroadcastIT.sha256(one.get(30, TimeUnit.SECONDS)))
          .isEqualTo(FileBroadcastIT.sha256(file));
      assertThat(FileBroadcastIT.sha256(two.get(30, TimeUnit.SECONDS)))
          .isEqualTo(FileBroadcastIT.sha256(file));
      assertThat(swarm.driver().awaitSeeded(b, Duration.ofSeconds(10))).isTrue();
      b.destroy();
    }
  }

  private SwarmConf conf() {
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

  /**
   * Ships the handle to {@code executor} as an application would (serialized) and reads it there,
   * in the background.
   */
  private static CompletableFuture<Path> readOn(ExecutorNode executor, Broadcast<Path> b)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(b);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      @SuppressWarnings("unchecked")
      PieceBroadcast<Path> handle = (PieceBroadcast<Path>) in.readObject();
      handle.readThrough(executor);
      return CompletableFuture.supplyAsync(handle::value);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}
