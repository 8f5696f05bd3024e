package io.swarmcast.broadcast;

import io.swarmcast.broadcast.internal.BroadcastInternals;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.metrics.MetricFamily;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.node.NodeException;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.security.SecurityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The entry point: starts this process's node (a driver, or an executor that joins one) and hands
 * out broadcasts through the {@link BroadcastFactory} named by {@code swarmcast.broadcast.factory}.
 *
 * <p>The factory's name is checked at construction, so a typo fails at once with the valid names;
 * the factory itself is created and initialized on first use. Broadcast ids come from an {@link
 * AtomicLong}. Thread-safe.
 *
 * <pre>{@code
 * BroadcastManager driver = new BroadcastManager(true, conf, SecurityManager.insecure());
 * Broadcast<Model> b = driver.newBroadcast(model, false);
 * // ship b to executors by any channel; there: b.value()
 * b.destroy();
 * driver.stop();
 * }</pre>
 */
public final class BroadcastManager implements AutoCloseable {
  static {
    BroadcastInternals.install(
        new BroadcastInternals.Reader() {
          @Override
          public SwarmNode node(BroadcastManager manager) {
            return manager.node;
          }

          @Override
          public int pieceCount(Broadcast<?> broadcast) {
            return broadcast instanceof PieceBroadcast<?> p ? p.pieceCount() : 0;
          }

          @Override
          public long serializedBytes(Broadcast<?> broadcast) {
            return broadcast instanceof PieceBroadcast<?> p ? p.serializedBytes() : -1;
          }
        });
  }

  /** Short names accepted by {@code swarmcast.broadcast.factory}. */
  static final Map<String, Class<? extends BroadcastFactory>> SHORT_NAMES =
      Map.of("torrent", TorrentBroadcastFactory.class, "direct", DirectBroadcastFactory.class);

  private final boolean isDriver;
  private final SwarmConf conf;
  private final SecurityManager security;
  private final SwarmNode node;
  private final Class<? extends BroadcastFactory> factoryClass;
  private final AtomicLong nextBroadcastId = new AtomicLong(0);
  private BroadcastFactory factory;
  private boolean stopped;

  /**
   * On the driver with {@code swarmcast.cleaner.enabled}: destroys broadcasts whose handles were
   * dropped; else null.
   */
  private final BroadcastCleaner cleaner;

  /**
   * Starts a driver node ({@code isDriver}) listening on {@code swarmcast.driver.host:port}, or an
   * executor node that registers with that driver.
   *
   * @param isDriver start a driver (which broadcasts) or an executor (which reads)
   * @param conf the settings; copied, so later changes to it have no effect here
   * @param security authentication and TLS; both sides of every connection must agree
   * @throws ConfigException if the factory name or another setting is invalid
   * @throws UncheckedIOException if the node cannot listen or reach the driver
   */
  public BroadcastManager(boolean isDriver, SwarmConf conf, SecurityManager security) {
    this.isDriver = isDriver;
    this.conf = conf.copy();
    this.security = security;
    this.factoryClass = resolveFactory(conf.get(SwarmConf.BROADCAST_FACTORY));
    if (this.conf.get(SwarmConf.NODE_C1_ONLY)) {
      JitDirectives
          .keepSwarmcastOutOfC2(); // before the warm-up or the first broadcast compiles anything
    }
    WarmUp.run(this.conf, security); // none unless swarmcast.node.warmUpBytes is set
    try {
      this.node =
          isDriver
              ? DriverNode.start(this.conf, security)
              : ExecutorNode.start(this.conf, security);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    this.cleaner =
        isDriver && this.conf.get(SwarmConf.CLEANER_ENABLED)
            ? new BroadcastCleaner(
                this.conf.get(SwarmConf.CLEANER_INTERVAL),
                this.conf.get(SwarmConf.CLEANER_GC_INTERVAL),
                id -> ((DriverNode) node).removeBroadcast(id, true, false, CLEANED_SITE))
            : null;
  }

  /**
   * What later use of a broadcast the cleaner removed is told, as a destroy's call site would be.
   */
  static final String CLEANED_SITE =
      "removed by the cleaner: no handle to it was reachable on the driver (swarmcast.cleaner.enabled)";

  private <B extends Broadcast<?>> B watched(B handle) {
    if (cleaner != null) {
      cleaner.watch(handle);
    }
    return handle;
  }

  static Class<? extends BroadcastFactory> resolveFactory(String name) {
    Class<? extends BroadcastFactory> shortName =
        SHORT_NAMES.get(name.trim().toLowerCase(Locale.ROOT));
    if (shortName != null) {
      return shortName;
    }
    String valid =
        "valid: torrent, direct, or the name of a class implementing "
            + BroadcastFactory.class.getName();
    try {
      Class<?> c = Class.forName(name.trim(), false, BroadcastManager.class.getClassLoader());
      if (!BroadcastFactory.class.isAssignableFrom(c)
          || c.isInterface()
          || Modifier.isAbstract(c.getModifiers())) {
        throw new ConfigException(
            SwarmConf.BROADCAST_FACTORY.name()
                + ": "
                + name
                + " is not a concrete class implementing "
                + BroadcastFactory.class.getName()
                + "; "
                + valid);
      }
      return c.asSubclass(BroadcastFactory.class);
    } catch (ClassNotFoundException e) {
      throw new ConfigException(
          SwarmConf.BROADCAST_FACTORY.name()
              + ": unknown broadcast factory '"
              + name
              + "'; "
              + valid);
    }
  }

  private synchronized BroadcastFactory factory() {
    if (stopped) {
      throw new IllegalStateException("BroadcastManager is stopped");
    }
    if (factory == null) {
      try {
        BroadcastFactory f = factoryClass.getDeclaredConstructor().newInstance();
        if (f instanceof PieceBroadcastFactory built) {
          built.attach(node);
        }
        f.initialize(isDriver, conf, security);
        factory = f;
      } catch (ReflectiveOperationException e) {
        throw new ConfigException(
            "cannot create broadcast factory " + factoryClass.getName() + ": " + e);
      }
    }
    return factory;
  }

  /**
   * Broadcasts {@code value} to the cluster; only on the driver. The value is serialized and cut
   * into pieces now; executors fetch them when they first call {@link Broadcast#value()}.
   *
   * @param <T> the value's type
   * @param value any value the configured serializer can write ({@code swarmcast.serializer})
   * @param isLocal whether driver and executors share this JVM, so nothing crosses the network
   * @return the handle: small and {@code Serializable}, to ship to executors by any channel
   * @throws BroadcastException if the value cannot be serialized, or this is not the driver
   */
  public <T> Broadcast<T> newBroadcast(T value, boolean isLocal) {
    return watched(factory().newBroadcast(value, isLocal, nextBroadcastId.getAndIncrement()));
  }

  /**
   * Broadcasts a file; only on the driver. Returns once the file is opened and cut into pieces; a
   * reader thread then reads it once, in piece order, to checksum its pieces and compute its
   * SHA-256, and each piece is served (from where it is, without a copy) as soon as its checksums
   * are known, so executors receive the first pieces while the last are still being read (see
   * {@link #fileDigest}). The file must not change, move or vanish while the broadcast lives: a
   * change while it is read fails the broadcast on every executor, naming the file. On an executor,
   * {@code value()} fetches the pieces into a file under {@code swarmcast.storage.dir}, at their
   * offsets (no piece ever on the heap, so files larger than the heap and than direct memory work),
   * checks the whole file's SHA-256 and returns its path; that file is read-only and is deleted on
   * {@code unpersist}, {@code destroy}, or when the executor stops.
   *
   * @param file a regular file the driver can read
   * @return the handle; on an executor its {@code value()} is the local copy's path
   * @throws BroadcastException naming the path if it is not a readable regular file
   */
  public Broadcast<Path> broadcastFile(Path file) {
    return watched(factory().newFileBroadcast(file, nextBroadcastId.getAndIncrement()));
  }

  /**
   * On the driver: the SHA-256 (lower-case hex) of a file {@link #broadcastFile} returned, once the
   * driver has read all of it; executors get pieces meanwhile. Fails with a {@link
   * BroadcastException} saying why if the file could not be read, or changed while it was.
   *
   * @throws BroadcastException if this is not the driver, or {@code broadcast} is not one of its
   *     files
   */
  public CompletableFuture<String> fileDigest(Broadcast<Path> broadcast) {
    if (!(node instanceof DriverNode driver)) {
      throw new BroadcastException(
          "fileDigest is for the driver; this BroadcastManager is an executor's");
    }
    CompletableFuture<byte[]> digest = driver.fileDigest(broadcast.id());
    if (digest == null) {
      throw new BroadcastException(broadcast + " is not a file this driver broadcasts");
    }
    return digest.handle(
        (d, e) -> {
          if (e != null) {
            Throwable cause =
                e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new BroadcastException(cause.getMessage(), cause);
          }
          return HexFormat.of().formatHex(d);
        });
  }

  /**
   * On the driver: waits until the swarm is seeded, every piece of {@code broadcast} held by at
   * least one executor, so that the executors can finish among themselves should the driver go
   * away. Returns false if that did not happen within {@code timeout}.
   *
   * @throws BroadcastException if this is not the driver, or the broadcast is unknown or gone
   */
  public boolean awaitSeeded(Broadcast<?> broadcast, Duration timeout) throws InterruptedException {
    if (!(node instanceof DriverNode driver)) {
      throw new BroadcastException(
          "awaitSeeded is for the driver; this BroadcastManager is an executor's");
    }
    try {
      return driver.awaitSeeded(broadcast.id(), timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (NodeException e) {
      throw new BroadcastException(e.getMessage(), e);
    }
  }

  /**
   * Removes a broadcast's blocks from executors and, if {@code removeFromDriver}, the driver: what
   * {@link Broadcast#unpersist()} and {@link Broadcast#destroy()} call.
   *
   * @param id the broadcast's {@link Broadcast#id()}
   * @param removeFromDriver also drop the driver's copy, so the broadcast cannot be read again
   * @param blocking wait until every executor has dropped its copy
   */
  public void unbroadcast(long id, boolean removeFromDriver, boolean blocking) {
    factory().unbroadcast(id, removeFromDriver, blocking);
  }

  /**
   * On the driver: waits until at least {@code n} executors have joined, so a first broadcast
   * reaches a known fleet (executors may start before or after the driver: they keep trying to
   * join).
   *
   * @throws BroadcastException naming how many joined, if fewer did within {@code timeout}; or if
   *     this is not the driver
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitExecutors(int n, Duration timeout) throws InterruptedException {
    if (!(node instanceof DriverNode driver)) {
      throw new BroadcastException(
          "awaitExecutors is for the driver; this BroadcastManager is an executor's");
    }
    try {
      driver.awaitExecutors(n, timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new BroadcastException(e.getMessage(), e);
    }
  }

  /**
   * This node's metrics as Prometheus families, read now: what {@code /metrics} serves and the JMX
   * bean shows. Bind them to a Micrometer registry with {@code swarmcast-micrometer}.
   */
  public List<MetricFamily> metrics() {
    return node.metrics();
  }

  /**
   * Where this node listens, as others reach it: on a driver, what executors set as {@code
   * swarmcast.driver.host} and {@code swarmcast.driver.port} (useful with port 0, which picks a
   * free one).
   */
  public InetSocketAddress address() {
    return InetSocketAddress.createUnresolved(node.endpoint().host(), node.endpoint().port());
  }

  /** This process's node; outside this package, through {@link BroadcastInternals#node}. */
  SwarmNode node() {
    return node;
  }

  /** Whether this manager started a driver, as opposed to an executor. */
  public boolean isDriver() {
    return isDriver;
  }

  /** Stops the factory and the node; broadcasts of this node become unreadable here. Idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (cleaner != null) {
      cleaner.close();
    }
    if (factory != null) {
      factory.stop();
    }
    node.close();
  }

  /** The same as {@link #stop()}, for try-with-resources. */
  @Override
  public void close() {
    stop();
  }
}
