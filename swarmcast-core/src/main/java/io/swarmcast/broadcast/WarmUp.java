package io.swarmcast.broadcast;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.security.SecurityManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a node starts, sends {@code swarmcast.node.warmUpBytes} through a private driver and two
 * executors on 127.0.0.1 in this JVM, so the code of a broadcast — handshake, cutting, serving,
 * receiving, checksums, storing, relaying, fetching from a peer, reading back, deserializing — is
 * compiled before the first real one.
 *
 * <p>Why: a freshly started JVM interprets that code and compiles it during its first broadcast,
 * and the compiler's CPU then competes with the transfer. Measured with 8 executors on two cores,
 * 128 MiB at 200 Mbit/s: one 8 MiB broadcast beforehand brought the first real one from 7.6 s (10.0
 * CPU-s) to 6.5 s (8.2 CPU-s), the second being 6.3 s (5.3 CPU-s). With one private executor and
 * 128 KiB pieces an executor still compiled about 900 methods during its first broadcast (between
 * peers, and per piece), hence two executors and small pieces. Doing it at start, before the node
 * joins, moves that cost to start-up, where a fleet pays it once per process, not per cluster's
 * first broadcast.
 *
 * <p>Bounded: at most {@link #LIMIT_MILLIS} ms; on failure or time-out the node starts anyway (one
 * log line). The private nodes bind ephemeral ports on 127.0.0.1 only, use this node's security
 * settings, and are gone when this returns.
 */
final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

  /** The longest a warm-up may hold up a node's start. */
  static final long LIMIT_MILLIS = 10_000;

  /** Executors in the private swarm: two, so that the code between peers is compiled too. */
  static final int EXECUTORS = 2;

  /** The private broadcast's piece size: see {@link #privateConf}. */
  static final long PIECE_BYTES = 32 << 10;

  private WarmUp() {}

  /**
   * Runs the warm-up {@code conf} asks for (none if {@code swarmcast.node.warmUpBytes} is 0); true
   * if its private broadcast arrived intact within the limit.
   */
  static boolean run(SwarmConf conf, SecurityManager security) {
    long bytes = conf.get(SwarmConf.NODE_WARM_UP_BYTES);
    if (bytes <= 0) {
      return false;
    }
    long t0 = System.nanoTime();
    CompletableFuture<Void> done = new CompletableFuture<>();
    PrivateNodes nodes = new PrivateNodes();
    Thread worker =
        new Thread(
            () -> {
              try {
                long betweenExecutors =
                    transfer(privateConf(conf), security, (int) bytes, EXECUTORS, nodes)
                        .fromPeersBytes();
                boolean torrent =
                    BroadcastManager.resolveFactory(conf.get(SwarmConf.BROADCAST_FACTORY))
                        == TorrentBroadcastFactory.class;
                if (betweenExecutors == 0 && torrent) { // with direct, executors never trade
                  LOG.info(
                      "warm-up: the private executors traded no pieces, so the code between peers is not compiled yet");
                }
                done.complete(null);
              } catch (Throwable t) {
                done.completeExceptionally(t);
              }
            },
            "swarmcast-warm-up");
    worker.setDaemon(true);
    worker.start();
    try {
      done.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
      LOG.debug(
          "warmed up in {} ms with a private {}-byte broadcast",
          (System.nanoTime() - t0) / 1_000_000,
          bytes);
      return true;
    } catch (TimeoutException e) {
      LOG.info("warm-up did not finish within {} ms; starting without it", LIMIT_MILLIS);
      worker.interrupt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      worker.interrupt();
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof CompletionException c && c.getCause() != null
              ? c.getCause()
              : e.getCause();
      LOG.info("warm-up failed ({}); starting without it", cause.toString());
    } finally {
      nodes.close(); // a node the worker starts after this is closed as soon as it is added
    }
    return false;
  }

  /**
   * This node's settings (codec, serializer, security) on loopback, with nothing warmed or
   * pre-touched, and pieces of {@link #PIECE_BYTES}: the JIT compiles a method once it has run
   * about 200 times, so the per-piece code must run that often; 8 MiB in 128 KiB pieces (the
   * default's smallest) ran it 64 times, in 32 KiB pieces 256 times per executor. A warm-up under
   * about 6 MiB compiles less of it.
   */
  static SwarmConf privateConf(SwarmConf conf) {
    return conf.copy()
        .set(SwarmConf.BLOCK_SIZE, Long.toString(PIECE_BYTES))
        .set(SwarmConf.MIN_BLOCK_SIZE, Long.toString(PIECE_BYTES))
        .set(SwarmConf.NODE_WARM_UP_BYTES, "0")
        .set(SwarmConf.STORAGE_PRE_TOUCH_BYTES, "0")
        .set(SwarmConf.DRIVER_HOST, "127.0.0.1")
        .set(SwarmConf.DRIVER_BIND_HOST, "")
        .set(SwarmConf.DRIVER_PORT, "0")
        .set(SwarmConf.EXECUTOR_HOST, "127.0.0.1")
        .set(SwarmConf.EXECUTOR_BIND_HOST, "")
        .set(SwarmConf.EXECUTOR_PORT, "0")
        .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "5s")
        .set(SwarmConf.EXECUTOR_REJOIN, "false")
        // Nothing to watch in a warm-up: no HTTP server (the user's port is the real node's), no
        // JMX bean, no cleaner.
        .set(SwarmConf.UI_PORT, "-1")
        .set(SwarmConf.METRICS_JMX, "false")
        .set(SwarmConf.CLEANER_ENABLED, "false");
  }

  /**
   * What the executors of a {@link #transfer} got, from the driver and from each other, in bytes.
   */
  record Transfer(long fromDriverBytes, long fromPeersBytes) {}

  /**
   * Broadcasts {@code bytes} from a private driver to {@code executorCount} private executors that
   * read it at once, adding each node to {@code nodes} (the caller closes them); fails if any copy
   * arrives altered. Returns where the executors' bytes came from.
   */
  static Transfer transfer(
      SwarmConf conf, SecurityManager security, int bytes, int executorCount, PrivateNodes nodes)
      throws IOException, ClassNotFoundException {
    BroadcastManager driver = new BroadcastManager(true, conf, security);
    nodes.add(driver::stop);
    SwarmConf executorConf =
        conf.copy().set(SwarmConf.DRIVER_PORT, Integer.toString(driver.node().endpoint().port()));
    List<ExecutorNode> executors = new ArrayList<>();
    for (int i = 0; i < executorCount; i++) {
      ExecutorNode executor = ExecutorNode.startPrivate(executorConf, security);
      nodes.add(executor);
      executors.add(executor);
    }
    byte[] value = new byte[bytes];
    new SplittableRandom(bytes).nextBytes(value);
    Broadcast<byte[]> sent = driver.newBroadcast(value, false);
    // As an application ships it: serialized. Each copy reads through one private executor, all at
    // once, so they fetch from the driver and from each other, serve each other and relay what they
    // hold.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(sent);
    }
    List<CompletableFuture<Object>> reads = new ArrayList<>();
    for (ExecutorNode executor : executors) {
      Object shipped;
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
        shipped = in.readObject();
      }
      if (!(shipped instanceof PieceBroadcast<?> handle)) {
        throw new IllegalStateException(
            "the factory "
                + conf.get(SwarmConf.BROADCAST_FACTORY)
                + " makes handles the warm-up cannot read");
      }
      handle.readThrough(executor);
      reads.add(
          CompletableFuture.supplyAsync(
              handle::value,
              task -> {
                Thread reader = new Thread(task, "swarmcast-warm-up-reader");
                reader.setDaemon(true);
                reader.start();
              }));
    }
    for (CompletableFuture<Object> read : reads) {
      if (!(read.join() instanceof byte[] got) || !Arrays.equals(got, value)) {
        throw new IllegalStateException("the private broadcast arrived altered");
      }
    }
    Transfer got =
        new Transfer(
            executors.stream().mapToLong(e -> e.stats().total().fromDriverBytes()).sum(),
            executors.stream().mapToLong(e -> e.stats().total().fromPeersBytes()).sum());
    sent.destroy();
    return got;
  }

  /**
   * The warm-up's nodes, closed in reverse order of start (the executors before their driver, else
   * they log its loss). Once closed, a node added later is closed at once: on a time-out the worker
   * may still be starting one, and a private executor left running would keep its port and threads
   * for good.
   */
  static final class PrivateNodes implements AutoCloseable {
    private final List<AutoCloseable> nodes = new ArrayList<>();
    private boolean closed;

    void add(AutoCloseable node) {
      synchronized (this) {
        if (!closed) {
          nodes.add(node);
          return;
        }
      }
      closeQuietly(node);
    }

    @Override
    public void close() {
      List<AutoCloseable> all;
      synchronized (this) {
        closed = true;
        all = new ArrayList<>(nodes);
        nodes.clear();
      }
      for (int i = all.size() - 1; i >= 0; i--) {
        closeQuietly(all.get(i));
      }
    }

    synchronized int size() {
      return nodes.size();
    }

    private static void closeQuietly(AutoCloseable node) {
      try {
        node.close();
      } catch (Exception e) {
        LOG.debug("closing a warm-up node: {}", e.toString());
      }
    }
  }
}
