package io.swarmcast.broadcast;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a node starts, sends {@code swarmcast.node.warmUpBytes} through a private driver and executor
 * on 127.0.0.1 in this JVM, so the code of a broadcast — handshake, cutting, serving, receiving,
 * checksums, storing, reading back, deserializing — is compiled before the first real one.
 *
 * <p>Why: a freshly started JVM interprets that code and compiles it during its first broadcast, and the
 * compiler's CPU then competes with the transfer. Measured with 8 executors on two cores, 128 MiB at
 * 200 Mbit/s: one 8 MiB broadcast beforehand brought the first real one from 7.6 s (10.0 CPU-s) to
 * 6.5 s (8.2 CPU-s), the second being 6.3 s (5.3 CPU-s). Doing it at start, before the node joins,
 * moves that cost to start-up, where a fleet pays it once per process, not per cluster's first broadcast.
 *
 * <p>Bounded: at most {@link #LIMIT_MILLIS} ms; on failure or time-out the node starts anyway (one log line).
 * The private nodes bind ephemeral ports on 127.0.0.1 only, use this node's security settings, and are
 * gone when this returns.
 */
final class WarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
  /** The longest a warm-up may hold up a node's start. */
  static final long LIMIT_MILLIS = 10_000;

  private WarmUp() {}

  /**
   * Runs the warm-up {@code conf} asks for (none if {@code swarmcast.node.warmUpBytes} is 0); true if
   * its private broadcast arrived intact within the limit.
   */
  static boolean run(SwarmConf conf, SecurityManager security) {
    long bytes = conf.get(SwarmConf.NODE_WARM_UP_BYTES);
    if (bytes <= 0) {
      return false;
    }
    long t0 = System.nanoTime();
    CompletableFuture<Void> done = new CompletableFuture<>();
    BroadcastManager[] nodes = new BroadcastManager[2];
    Thread worker = new Thread(() -> {
      try {
        transfer(privateConf(conf), security, (int) bytes, nodes);
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    }, "swarmcast-warm-up");
    worker.setDaemon(true);
    worker.start();
    try {
      done.get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
      LOG.debug("warmed up in {} ms with a private {}-byte broadcast", (System.nanoTime() - t0) / 1_000_000, bytes);
      return true;
    } catch (TimeoutException e) {
      LOG.info("warm-up did not finish within {} ms; starting without it", LIMIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.info("warm-up failed ({}); starting without it", e.getCause().toString());
    } finally {
      for (int i = nodes.length - 1; i >= 0; i--) { // the executor first: else it logs its driver's loss
        if (nodes[i] != null) {
          nodes[i].stop();
        }
      }
    }
    return false;
  }

  /** This node's settings (codec, serializer, piece sizes, security) on loopback, with nothing warmed or pre-touched. */
  private static SwarmConf privateConf(SwarmConf conf) {
    return conf.copy()
        .set(SwarmConf.NODE_WARM_UP_BYTES, "0")
        .set(SwarmConf.STORAGE_PRE_TOUCH_BYTES, "0")
        .set(SwarmConf.DRIVER_HOST, "127.0.0.1").set(SwarmConf.DRIVER_BIND_HOST, "").set(SwarmConf.DRIVER_PORT, "0")
        .set(SwarmConf.EXECUTOR_HOST, "127.0.0.1").set(SwarmConf.EXECUTOR_BIND_HOST, "").set(SwarmConf.EXECUTOR_PORT, "0")
        .set(SwarmConf.EXECUTOR_JOIN_TIMEOUT, "5s").set(SwarmConf.EXECUTOR_REJOIN, "false");
  }

  private static void transfer(SwarmConf conf, SecurityManager security, int bytes, BroadcastManager[] nodes)
      throws IOException, ClassNotFoundException {
    BroadcastManager driver = new BroadcastManager(true, conf, security);
    nodes[0] = driver;
    int port = driver.node().endpoint().port();
    nodes[1] = new BroadcastManager(false, conf.copy().set(SwarmConf.DRIVER_PORT, Integer.toString(port)), security);
    byte[] value = new byte[bytes];
    new SplittableRandom(bytes).nextBytes(value);
    Broadcast<byte[]> sent = driver.newBroadcast(value, false);
    // As an application ships it: serialized, so the copy finds the private executor, not the driver.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(sent);
    }
    Broadcast<?> shipped;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      shipped = (Broadcast<?>) in.readObject();
    }
    if (!(shipped.value() instanceof byte[] got) || !Arrays.equals(got, value)) {
      throw new IllegalStateException("the private broadcast arrived altered");
    }
    sent.destroy();
  }
}
