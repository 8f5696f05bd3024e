package io.swarmcast.node;

import static io.swarmcast.TestData.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.Message;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.RawSocket;
import io.swarmcast.transport.TransportContext;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No client can exhaust a node (issue 11, item 5): a driver over real sockets on 127.0.0.1,
 * attacked by raw sockets that stall in huge frames, sit idle, open too many connections or send
 * garbage, while real executors fetch and verify broadcasts. Limits and timeouts are small so each
 * test takes a few seconds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeLimitsIT {
  private BroadcastManager driverManager;
  private DriverNode driver;
  private final List<RawSocket> sockets = new ArrayList<>();

  private void startDriver(SwarmConf conf) {
    conf.set(SwarmConf.DRIVER_PORT, "0")
        .set(SwarmConf.BLOCK_SIZE, "64k")
        .set(SwarmConf.COMPRESS, "none");
    driverManager = new BroadcastManager(true, conf, SecurityManager.insecure());
    driver = (DriverNode) BroadcastInternals.node(driverManager);
  }

  @AfterEach
  void stop() throws IOException {
    for (RawSocket s : sockets) {
      s.close();
    }
    if (driverManager != null) {
      driverManager.stop();
    }
  }

  private BroadcastManager startExecutor(SwarmConf conf) {
    conf.set(SwarmConf.DRIVER_PORT, Integer.toString(driver.endpoint().port()));
    return new BroadcastManager(false, conf, SecurityManager.insecure());
  }

  private TransportContext transport() {
    return driver.transport;
  }

  private RawSocket open(int port) throws IOException {
    RawSocket s = new RawSocket(port);
    sockets.add(s);
    return s;
  }

  /** A raw socket registered with the driver as an executor (its handshake done, nothing more). */
  private RawSocket registered() throws IOException {
    RawSocket s = open(driver.endpoint().port());
    s.send(Greeting.register("127.0.0.1", 1).opening(1));
    assertThat(s.read()).isInstanceOf(Message.Response.class).isNotInstanceOf(Failure.class);
    return s;
  }

  /**
   * The attack from the issue, scaled down: 8 registered clients each send 20 MiB of a 60 MiB frame
   * and stall, against a budget of 32 MiB. The driver closes the ones holding most; the bytes it
   * holds never pass the budget; a real executor still fetches at full speed; and once the clients
   * are gone the driver's direct memory is back where it was.
   */
  @Test
  void clientsStallingInHugeFramesAreClosedAndTheDriverKeepsServing() throws Exception {
    startDriver(new SwarmConf().set(SwarmConf.MAX_BUFFERED_BYTES, "32m"));
    byte[] value = random(4 << 20, 11);
    Broadcast<byte[]> before = driverManager.newBroadcast(value, false);
    Broadcast<byte[]> during = driverManager.newBroadcast(value, false);
    long baselineNanos;
    try (BroadcastManager executor = startExecutor(new SwarmConf())) {
      long t0 = System.nanoTime();
      assertThat(SwarmNodeTestSupport.roundTrip(before).value()).isEqualTo(value);
      baselineNanos = System.nanoTime() - t0;
    }
    await("the first executor's connection closed")
        .atMost(Duration.ofSeconds(15))
        .until(() -> transport().acceptedConnections() == 0);
    long memoryBefore = usedDirectMemory();

    long afterFirstRound = -1;
    for (int round = 1; round <= 2; round++) {
      long peakMemory =
          stallInHugeFrames(
              8,
              60 << 20,
              20 << 20,
              () -> {
                // The stalled survivors still hold their frames; a real executor is served as
                // before.
                try (BroadcastManager executor = startExecutor(new SwarmConf())) {
                  long t0 = System.nanoTime();
                  assertThat(SwarmNodeTestSupport.roundTrip(during).value()).isEqualTo(value);
                  long underAttack = System.nanoTime() - t0;
                  assertThat(underAttack)
                      .as(
                          "fetch time under attack vs. %d ms before",
                          TimeUnit.NANOSECONDS.toMillis(baselineNanos))
                      .isLessThan(3 * baselineNanos + TimeUnit.SECONDS.toNanos(2));
                }
              });
      // The pooled buffers behind the held bytes are larger than the bytes; the point is that the
      // sum stays near the budget, not near 8 × 20 MiB.
      assertThat(peakMemory - memoryBefore)
          .as("direct memory the attack cost at its peak")
          .isLessThan(96L << 20);
      await("every connection gone")
          .atMost(Duration.ofSeconds(15))
          .until(() -> transport().acceptedConnections() == 0 && transport().bufferedBytes() == 0);
      if (round == 1) {
        // The allocator keeps freed chunks for reuse (per arena and per thread, and every executor
        // brings new threads): memory returns to the pool, not all to the OS, and how much stays
        // varies from run to run (32 to 38 MiB were seen here). What it must not be is the attack's
        // 160 MiB.
        long cached = 64L << 20;
        await("direct memory back near what it was before the attack")
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(usedDirectMemory())
                        .as("direct memory, was %d", memoryBefore)
                        .isLessThanOrEqualTo(memoryBefore + cached));
        afterFirstRound = usedDirectMemory();
      } else {
        // A second attack reuses what the first left in the pool: nothing accumulates. The slack is
        // what a new executor's threads may add: the allocator's arenas (two per core) can each
        // take
        // a fresh 4 MiB chunk for them, and 8 MiB was once exceeded in CI. The attack is 160 MiB.
        long first = afterFirstRound;
        long slack = 24L << 20;
        await("direct memory after a second attack back near the first's")
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () ->
                    assertThat(usedDirectMemory())
                        .as("direct memory, %d after the first attack", first)
                        .isLessThanOrEqualTo(first + slack));
      }
    }
  }

  /**
   * {@code attackers} registered clients each send {@code sent} bytes of a frame of {@code
   * frameLength} and stall; then {@code whileStalled} runs, and the clients leave. Returns the peak
   * of direct memory.
   */
  private long stallInHugeFrames(
      int attackers, int frameLength, int sent, ThrowingRunnable whileStalled) throws Exception {
    List<RawSocket> clients = new ArrayList<>();
    for (int i = 0; i < attackers; i++) {
      clients.add(registered());
    }
    AtomicLong peakHeld = new AtomicLong();
    AtomicLong peakMemory = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(attackers);
    try {
      List<CompletableFuture<Boolean>> writes = new ArrayList<>();
      for (RawSocket c : clients) {
        writes.add(
            CompletableFuture.supplyAsync(() -> sendPartialFrame(c, frameLength, sent), threads));
      }
      CompletableFuture<Void> all =
          CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
              .exceptionally(e -> null);
      // Samples the peaks every millisecond until the last write is done (or failed).
      for (boolean done = false; !done; ) {
        peakHeld.accumulateAndGet(transport().bufferedBytes(), Math::max);
        peakMemory.accumulateAndGet(usedDirectMemory(), Math::max);
        try {
          all.get(1, TimeUnit.MILLISECONDS);
          done = true;
        } catch (TimeoutException sampleAgain) {
          // still writing
        }
      }
    } finally {
      threads.shutdownNow();
    }
    long budget = transport().bufferBudget();
    // The kernel may have taken a client's last bytes before the driver read them: wait until it
    // has.
    await("the driver closed all but what its budget holds")
        .atMost(Duration.ofSeconds(15))
        .until(() -> transport().acceptedConnections() <= budget / sent);
    // Over the budget only by connections already chosen to be closed, until their event loop
    // closes them.
    assertThat(peakHeld.get())
        .as("bytes held in incomplete frames, at most")
        .isLessThan(2 * budget);
    assertThat(transport().bufferedBytes())
        .as("held once the clients stalled")
        .isLessThanOrEqualTo(budget);
    whileStalled.run();
    for (RawSocket c : clients) {
      c.close();
    }
    return peakMemory.get();
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * Sends the header and {@code sent} bytes of a frame of {@code frameLength}; false if the driver
   * closed first.
   */
  private static boolean sendPartialFrame(RawSocket c, int frameLength, int sent) {
    try {
      DataOutputStream out = new DataOutputStream(c.output());
      out.writeInt(frameLength);
      byte[] chunk = new byte[256 << 10];
      for (int n = 0; n < sent; n += chunk.length) {
        out.write(chunk);
      }
      out.flush();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  /**
   * 500 idle connections: 200 that never say who they are (closed at the 1 s handshake deadline),
   * 200 registered with the driver and then silent (no keepalive from them: closed after the 1 s
   * idle timeout), and 100 that greet the executor as peers and then sit (idle both ways: closed).
   * The real executor, quiet all along, keeps its registration by keepalives and fetches
   * afterwards.
   */
  @Test
  void idleConnectionsAreClosedAndRealExecutorsStay() throws Exception {
    startDriver(
        new SwarmConf().set(SwarmConf.NETWORK_TIMEOUT, "1s").set(SwarmConf.IDLE_TIMEOUT, "1s"));
    try (BroadcastManager executor =
        startExecutor(
            new SwarmConf()
                .set(SwarmConf.NETWORK_TIMEOUT, "5s")
                .set(SwarmConf.IDLE_TIMEOUT, "1s"))) {
      await("the executor registered")
          .atMost(Duration.ofSeconds(15))
          .until(() -> driver.executors().size() == 1);
      int executorPort = BroadcastInternals.node(executor).endpoint().port();
      List<RawSocket> idle = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        idle.add(open(driver.endpoint().port()));
      }
      for (int i = 0; i < 200; i++) {
        idle.add(registered());
      }
      for (int i = 0; i < 100; i++) {
        RawSocket s = open(executorPort);
        s.send(
            Greeting.hello(1000 + i, BroadcastInternals.node(executor).driverIncarnation())
                .opening(1));
        assertThat(s.read()).isInstanceOf(Message.Response.class).isNotInstanceOf(Failure.class);
        idle.add(s);
      }
      for (RawSocket s : idle) {
        assertThat(s.awaitClosed()).as("an idle connection is closed").isTrue();
      }
      await("only the real executor's connection left on the driver")
          .atMost(Duration.ofSeconds(15))
          .until(() -> transport().acceptedConnections() == 1);
      await("the fake executors unregistered")
          .atMost(Duration.ofSeconds(15))
          .until(() -> driver.executors().size() == 1);
      await("no peer connection left on the executor")
          .atMost(Duration.ofSeconds(15))
          .until(() -> BroadcastInternals.node(executor).transport.acceptedConnections() == 0);

      byte[] value = random(1 << 20, 12);
      assertThat(SwarmNodeTestSupport.roundTrip(driverManager.newBroadcast(value, false)).value())
          .isEqualTo(value);
    }
  }

  /**
   * Beyond maxConnections a connection is closed on accept; the count is released as they close.
   */
  @Test
  void connectionsBeyondTheCapAreClosedAtOnce() throws Exception {
    startDriver(new SwarmConf().set(SwarmConf.MAX_CONNECTIONS, "20"));
    List<RawSocket> within = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      within.add(registered());
    }
    for (int i = 0; i < 10; i++) {
      RawSocket beyond = open(driver.endpoint().port());
      long t0 = System.nanoTime();
      assertThat(beyond.awaitClosed()).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
          .as("closed at once, ms")
          .isLessThan(2_000);
    }
    assertThat(transport().acceptedConnections()).isEqualTo(20);
    for (RawSocket s : within) {
      s.close();
    }
    await("the count released")
        .atMost(Duration.ofSeconds(15))
        .until(() -> transport().acceptedConnections() == 0);
    try (BroadcastManager executor = startExecutor(new SwarmConf())) {
      byte[] value = random(256 << 10, 13);
      assertThat(SwarmNodeTestSupport.roundTrip(driverManager.newBroadcast(value, false)).value())
          .isEqualTo(value);
    }
  }

  /**
   * 64 connections send 256 KiB of noise each, half of them before any handshake and half after
   * registering, while a real executor fetches. The driver closes them, serves the executor, and
   * holds nothing for them afterwards.
   */
  @Test
  void aFloodOfGarbageLeavesTheDriverServing() throws Exception {
    startDriver(new SwarmConf());
    byte[] value = random(2 << 20, 14);
    Broadcast<byte[]> b = driverManager.newBroadcast(value, false);
    Random noise = new Random(15);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try (BroadcastManager executor = startExecutor(new SwarmConf())) {
      List<CompletableFuture<Void>> floods = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        RawSocket s = i % 2 == 0 ? open(driver.endpoint().port()) : registered();
        byte[] garbage = new byte[256 << 10];
        noise.nextBytes(garbage);
        floods.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    s.write(garbage);
                  } catch (IOException closedMidway) {
                    // expected: the driver closes a connection at its first bad frame
                  }
                },
                threads));
      }
      assertThat(SwarmNodeTestSupport.roundTrip(b).value()).isEqualTo(value);
      CompletableFuture.allOf(floods.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } finally {
      threads.shutdownNow();
    }
    for (RawSocket s : sockets) {
      s.close();
    }
    await("every connection gone")
        .atMost(Duration.ofSeconds(15))
        .until(() -> transport().acceptedConnections() == 0 && transport().bufferedBytes() == 0);
    try (BroadcastManager executor = startExecutor(new SwarmConf())) {
      byte[] more = random(1 << 20, 16);
      assertThat(SwarmNodeTestSupport.roundTrip(driverManager.newBroadcast(more, false)).value())
          .isEqualTo(more);
    }
  }

  private static long usedDirectMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
