package io.swarmcast.node;

import io.swarmcast.conf.ByteSize;
import io.swarmcast.conf.ConfigException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.metrics.MetricFamily;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.FetchReport;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.protocol.RunTask;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.storage.PieceCheck;
import io.swarmcast.storage.PieceMemory;
import io.swarmcast.swarm.AnnouncementBatch;
import io.swarmcast.swarm.FetchLimits;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.swarm.FetchPolicy;
import io.swarmcast.swarm.FetchScheduler;
import io.swarmcast.swarm.FetchStrategy;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.ConnectionPool;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.TransportContext;
import io.swarmcast.transport.TransportServer;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's node: registers with the driver, fetches broadcast pieces from the swarm, stores
 * them and serves them to other executors.
 *
 * <p>One connection to the driver carries registration, announcements, {@link Have} notices,
 * removal orders and application tasks; peer connections are opened on demand and carry piece
 * requests. Thread-safe.
 */
public final class ExecutorNode extends SwarmNode {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorNode.class);

  /**
   * One line per fetch with its split (see {@link #reportFetch}): a logger of its own, so it can be
   * on when the rest is quiet.
   */
  private static final Logger FETCHES = LoggerFactory.getLogger("io.swarmcast.fetches");

  private final Endpoint driverEndpoint;
  private final Endpoint endpoint;
  private final TransportServer server;
  private final ConnectionPool peers;
  private final ExecutorMessages handler = new ExecutorMessages(this);
  private final Map<Long, SwarmFetcher> fetchers = new ConcurrentHashMap<>();
  private final ApplicationRequests applicationRequests;
  private final SecureRandom random = new SecureRandom();
  private final FetchLimits limits;

  /** Guards joining and losing the driver against each other and against close. */
  private final Object membership = new Object();

  private final DestroyedBroadcasts destroyed = new DestroyedBroadcasts();
  private final PeerDirectory directory = new PeerDirectory(random);
  private volatile Connection driver;
  private volatile int executorId;
  private volatile long driverIncarnation;
  private volatile boolean closed;

  /** False for a private executor (see {@link #startPrivate}), which handles cannot find. */
  private final boolean registers;

  private ExecutorNode(
      SwarmConf conf, TransportContext transport, PieceMemory memory, boolean registers)
      throws IOException {
    super(
        conf,
        transport,
        memory,
        conf.get(SwarmConf.UPLOAD_SLOTS),
        conf.get(SwarmConf.UPLOAD_MAX_WAITING),
        Integer.MAX_VALUE);
    this.registers = registers;
    this.driverEndpoint =
        new Endpoint(conf.get(SwarmConf.DRIVER_HOST), conf.get(SwarmConf.DRIVER_PORT));
    String host = conf.get(SwarmConf.EXECUTOR_HOST);
    String advertised = Addresses.advertise(host, SwarmConf.EXECUTOR_HOST.name());
    this.server =
        transport.listen(
            Addresses.bind(conf.get(SwarmConf.EXECUTOR_BIND_HOST), host),
            conf.get(SwarmConf.EXECUTOR_PORT),
            handler,
            handler);
    this.endpoint = new Endpoint(advertised, server.port());
    // Asked per connection: the id and incarnation the greeting carries are known only once joined.
    this.peers =
        new ConnectionPool(transport, () -> Greeting.hello(executorId, driverIncarnation), handler);
    this.limits =
        new FetchLimits(
            conf.get(SwarmConf.FETCH_MAX_IN_FLIGHT),
            conf.get(SwarmConf.FETCH_MAX_PER_PEER),
            conf.get(SwarmConf.FETCH_MAX_FROM_DRIVER),
            conf.get(SwarmConf.FETCH_MAX_BAD_PIECES));
    this.applicationRequests = new ApplicationRequests(transport.timeout());
  }

  /**
   * Starts an executor: listens on {@code swarmcast.executor.host:port}, joins the driver at {@code
   * swarmcast.driver.host:port} (retrying while it cannot be reached, up to {@code
   * swarmcast.executor.joinTimeout}), and registers itself in this JVM's {@link NodeRegistry}. With
   * {@code swarmcast.executor.rejoin}, it joins again whenever its driver goes away.
   */
  public static ExecutorNode start(SwarmConf conf, SecurityManager security) throws IOException {
    return start(conf, security, true);
  }

  /**
   * Internal, not API: for a node's warm-up ({@code io.swarmcast.broadcast.WarmUp}), whose private
   * swarm binds its handles to its executors explicitly. As {@link #start}, but not registered in
   * {@link NodeRegistry}, so several may run in one JVM for the same driver and handles never find
   * them. Anything else wants {@link #start}.
   */
  public static ExecutorNode startPrivate(SwarmConf conf, SecurityManager security)
      throws IOException {
    return start(conf, security, false);
  }

  private static ExecutorNode start(SwarmConf conf, SecurityManager security, boolean registers)
      throws IOException {
    if (conf.get(SwarmConf.DRIVER_PORT) == 0) {
      throw new ConfigException(
          SwarmConf.DRIVER_PORT.name() + " must name the driver's port on an executor");
    }
    PieceMemory memory = pieceMemory(conf);
    TransportContext transport = new TransportContext(conf, security, "executor", memory);
    ExecutorNode node = null;
    try {
      node = new ExecutorNode(conf, transport, memory, registers);
      if (registers) {
        node.startObservability(null);
      }
      node.joined(
          DriverJoin.join(
              transport,
              node.driverEndpoint,
              node.greeting(),
              node.handler,
              conf.get(SwarmConf.EXECUTOR_JOIN_TIMEOUT),
              () -> false));
      return node;
    } catch (IOException | RuntimeException e) {
      if (node != null) {
        node.closeQuietly();
      } else {
        transport.close();
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node.closeQuietly();
      throw new IOException("interrupted while joining driver " + node.driverEndpoint);
    }
  }

  private Greeting greeting() {
    return Greeting.register(endpoint.host(), endpoint.port());
  }

  /**
   * The driver took us: it may send (a removal, a task) as soon as the handshake is done, and that
   * reaches the handler as the driver's. From now on handles of its incarnation find this node.
   */
  private void joined(Connection c) {
    long previous;
    int dropped = 0;
    List<SwarmFetcher> replaced = List.of();
    List<SwarmFetcher> resumed = List.of();
    synchronized (membership) {
      if (closed) {
        c.close();
        return;
      }
      previous = driverIncarnation;
      if (previous != 0 && previous != c.driverIncarnation()) {
        replaced = List.copyOf(fetchers.values());
        dropped = forgetDriver(previous);
      } else if (previous == c.driverIncarnation()) {
        resumed = List.copyOf(fetchers.values());
      }
      this.driver = c;
      this.executorId = c.localNodeId();
      this.driverIncarnation = c.driverIncarnation();
      if (registers) {
        NodeRegistry.register(this, driverIncarnation);
      }
    }
    // Outside the lock: cancelling completes futures whose dependents may run anything.
    replaced.forEach(
        f -> f.cancel(new NodeException("the driver " + driverEndpoint + " was replaced")));
    if (previous == c.driverIncarnation()) {
      // Fetches that went on with the peers use the driver again; before the re-announcing below,
      // so a piece stored meanwhile is announced on the new connection if not by the loop.
      resumed.forEach(f -> f.driverBack(c));
      // The same driver, after a broken link: it forgot what we hold when we left, so say it again.
      directory
          .heldBroadcasts()
          .forEach(
              (id, pieceCount) -> {
                BitSet held = blocks.piecesHeld(id, pieceCount);
                for (int p = held.nextSetBit(0); p >= 0; p = held.nextSetBit(p + 1)) {
                  c.send(new Announce(id, p));
                }
              });
    }
    LOG.info(
        "executor {} joined driver {} (incarnation {}), serving on {}{}",
        executorId,
        driverEndpoint,
        Long.toHexString(driverIncarnation),
        endpoint,
        previous == 0
            ? ""
            : "; dropped "
                + dropped
                + " pieces of its previous incarnation "
                + Long.toHexString(previous));
    c.closeFuture().thenRun(() -> lost(c));
  }

  /**
   * Forgets everything of a driver incarnation that a new one replaced: its broadcasts are gone for
   * good (the new driver's ids mean other values). Caller holds {@link #membership}. Returns the
   * number of pieces dropped.
   */
  private int forgetDriver(long incarnation) {
    NodeRegistry.unregister(this, incarnation);
    fetchers.clear(); // cancelled by the caller, outside the lock
    directory.clear();
    destroyed.clear();
    peers.close();
    return blocks.clear();
  }

  /**
   * The driver went away. Running fetches go on with the peers (peer exchange), and the pieces stay
   * here, served to peers still fetching, until a new driver takes over (then they are dropped, see
   * {@link #joined}); with rejoin, that driver is waited for at the same address, on a thread of
   * its own.
   */
  private void lost(Connection c) {
    List<SwarmFetcher> running;
    synchronized (membership) {
      if (closed || driver != c) {
        return;
      }
      running = List.copyOf(fetchers.values());
    }
    int fetching = running.size();
    // Outside the lock: a fetch going on without its driver connects to and asks its peers.
    IOException gone = new IOException("connection to driver " + driverEndpoint + " closed");
    running.forEach(f -> f.driverLost(gone));
    boolean rejoin = conf.get(SwarmConf.EXECUTOR_REJOIN);
    LOG.warn(
        "executor {}: driver {} went away; {} fetch(es) go on with the peers, {} bytes stay served{}",
        executorId,
        driverEndpoint,
        fetching,
        blocks.bytesStored(),
        rejoin ? "; waiting for a driver there again" : "");
    if (rejoin) {
      Thread t = new Thread(this::rejoin, "swarmcast-rejoin");
      t.setDaemon(true);
      t.start();
    }
  }

  private void rejoin() {
    try {
      joined(
          DriverJoin.join(
              transport,
              driverEndpoint,
              greeting(),
              handler,
              ChronoUnit.FOREVER.getDuration(),
              () -> closed));
    } catch (IOException e) {
      if (!closed) {
        LOG.error(
            "executor {}: stopped trying to rejoin driver {}: {}",
            executorId,
            driverEndpoint,
            e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isDriver() {
    return false;
  }

  @Override
  public List<MetricFamily> metrics() {
    return NodeMetrics.of(this, null);
  }

  @Override
  public Endpoint driverEndpoint() {
    return driverEndpoint;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The id the driver gave this executor (a new one each time it joins). */
  public int executorId() {
    return executorId;
  }

  /**
   * The incarnation of the driver this executor belongs to: the last one it joined, also while that
   * driver is gone (its broadcasts are still served to peers) until a new one takes over.
   */
  @Override
  public long driverIncarnation() {
    return driverIncarnation;
  }

  /** Whether this executor is connected to its driver now. */
  public boolean isJoined() {
    Connection d = driver;
    return d != null && d.isActive();
  }

  @Override
  public String destroyedAt(long broadcastId) {
    return destroyed.site(broadcastId);
  }

  /**
   * Installs the handler for the driver's {@link RunTask} requests (see {@link
   * ApplicationRequests}).
   */
  public void setTaskHandler(TaskHandler handler) {
    applicationRequests.setHandler(handler);
  }

  /**
   * Completes when the connection to the current driver is lost (with rejoin, the node then waits
   * for another).
   */
  public CompletableFuture<Void> driverLost() {
    return driver.closeFuture();
  }

  @Override
  public CompletableFuture<Void> fetch(
      long broadcastId, int[] checksums, PieceCheck check, FetchMode mode) {
    try {
      return fetch(broadcastId, checksums.length, PieceVerifier.fixed(checksums, check), null, mode)
          .future();
    } catch (NodeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<byte[]> fetchFile(
      long broadcastId, int pieceCount, boolean pieceSha256, FetchMode mode) {
    Connection d = this.driver;
    ChecksumFollower follower =
        d == null ? null : new ChecksumFollower(broadcastId, pieceCount, pieceSha256, d);
    SwarmFetcher fetcher;
    try {
      fetcher = fetch(broadcastId, pieceCount, follower, follower, mode);
    } catch (NodeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (fetcher.verifier() instanceof ChecksumFollower running) {
      return fetcher.future().thenCombine(running.fileDigest(), (v, digest) -> digest);
    }
    return fetcher
        .future()
        .thenApply(
            v -> {
              throw new NodeException(
                  "Broadcast(" + broadcastId + ") is being fetched as a value, not as a file");
            });
  }

  /**
   * Starts a fetch, or joins the one running for the same broadcast (e.g. a reader was interrupted
   * and another one asks). {@code follower}, for a file, is started with it and stopped when it
   * ends.
   *
   * @throws NodeException if this executor is not joined to its driver
   */
  private SwarmFetcher fetch(
      long broadcastId,
      int pieceCount,
      PieceVerifier verifier,
      ChecksumFollower follower,
      FetchMode mode) {
    Connection driver = this.driver;
    if (driver == null || !driver.isActive() || driverIncarnation == 0) {
      throw new NodeException(
          "executor is not joined to driver "
              + driverEndpoint
              + " (it went away; "
              + (conf.get(SwarmConf.EXECUTOR_REJOIN)
                  ? "waiting for it to come back)"
                  : "rejoin is off)"));
    }
    BitSet held = blocks.piecesHeld(broadcastId, pieceCount);
    int neighbourCount = conf.get(SwarmConf.TRACKER_NEIGHBOURS);
    boolean neighbours = neighbourCount > 0;
    FetchPolicy policy =
        FetchPolicy.standard(limits, conf.get(SwarmConf.FETCH_PEER_TIMEOUT), random)
            .withNeighbours(neighbourCount);
    if (follower != null) {
      policy = policy.withInOrderReader(); // a file: its SHA-256 follows the fetch in piece order
    }
    FetchScheduler scheduler =
        new FetchScheduler(pieceCount, held, FetchStrategy.of(mode), policy, System::nanoTime);
    // With the relay, the tracker relays a piece's first holders as they announce: no batching
    // then.
    AnnouncementBatch announcements =
        new AnnouncementBatch(pieceCount, held, neighbours ? AnnouncementBatch.BATCHES : 0);
    SwarmFetcher fetcher =
        new SwarmFetcher(
            broadcastId,
            pieceCount,
            verifier,
            scheduler,
            announcements,
            blocks,
            driver,
            peers,
            stats,
            directory,
            new PeerAddress(executorId, endpoint.host(), endpoint.port()));
    SwarmFetcher previous = fetchers.putIfAbsent(broadcastId, fetcher);
    if (previous != null) {
      return previous;
    }
    long started = System.nanoTime();
    CompletableFuture<Void> done = fetcher.start();
    if (follower != null) {
      follower.start(
          fetcher); // after the scheduler's start: a failure to follow cancels a fetch that has
      // begun
    }
    done.whenComplete(
        (v, e) -> {
          fetchers.remove(broadcastId, fetcher);
          if (follower != null) {
            follower.stop(e);
          }
          if (e == null) {
            stats.fetched(System.nanoTime() - started);
          }
          reportFetch(fetcher.report(e), fetcher.firstPieceNanos());
        });
    return fetcher;
  }

  /**
   * Logs a fetch's one line (at info when it moved bytes) and tells the driver, for its swarm page
   * and {@code status}: e.g. {@code fetched Broadcast(7), 128 MiB in 5.8 s: 16 MiB from the driver,
   * 112 MiB from 6 peers}.
   */
  private void reportFetch(FetchReport r, long firstPieceNanos) {
    long bytes = r.fromDriverBytes() + r.fromPeersBytes();
    // The first piece's delay: for a file, how soon the driver's streaming put bytes here.
    String first =
        firstPieceNanos < 0
            ? ""
            : String.format(Locale.ROOT, " (first piece after %.3f s)", firstPieceNanos / 1e9);
    String split =
        ByteSize.format(bytes)
            + " in "
            + String.format(Locale.ROOT, "%.1f s", r.nanos() / 1e9)
            + first
            + ": "
            + ByteSize.format(r.fromDriverBytes())
            + " from the driver, "
            + ByteSize.format(r.fromPeersBytes())
            + " from "
            + r.fromPeers().size()
            + (r.fromPeers().size() == 1 ? " peer" : " peers")
            + (r.corruptPieces() > 0 ? ", " + r.corruptPieces() + " corrupt pieces refused" : "")
            + (r.bannedPeers().isEmpty() ? "" : ", banned " + r.bannedPeers());
    if (!r.succeeded()) {
      FETCHES.warn(
          "fetching Broadcast({}) failed after {}: {}", r.broadcastId(), split, r.failure());
    } else if (bytes > 0 && registers) {
      FETCHES.info("fetched Broadcast({}), {}", r.broadcastId(), split);
    } else if (bytes > 0) {
      FETCHES.debug(
          "warm-up: fetched Broadcast({}), {}",
          r.broadcastId(),
          split); // a node's private swarm: not the user's
    } else {
      FETCHES.debug("Broadcast({}) was already here", r.broadcastId());
    }
    Connection d = driver;
    if (d != null && d.isActive()) {
      d.send(r);
    }
  }

  @Override
  String whyMissing(long broadcastId, int piece) {
    return "executor "
        + executorId
        + " does not hold piece "
        + piece
        + " of Broadcast("
        + broadcastId
        + ")";
  }

  private void removeLocally(long broadcastId) {
    SwarmFetcher f = fetchers.remove(broadcastId);
    if (f != null) {
      f.cancel(
          new NodeException(
              "Broadcast(" + broadcastId + ") was removed by the driver while being fetched"));
    }
    directory.forget(broadcastId);
    int n = blocks.removeBroadcast(broadcastId);
    LOG.debug("removed {} pieces of Broadcast({})", n, broadcastId);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      LOG.debug("while closing", e);
    }
  }

  @Override
  public void close() {
    synchronized (membership) {
      closed = true;
      NodeRegistry.unregister(this, driverIncarnation);
    }
    fetchers.values().forEach(f -> f.cancel(new NodeException("executor node closed")));
    stopObservability();
    applicationRequests.close();
    peers.close();
    server.close();
    transport.close();
    blocks.close();
  }

  // ---- what ExecutorMessages needs of the node ----

  SwarmFetcher fetcher(long broadcastId) {
    return fetchers.get(broadcastId);
  }

  /**
   * The driver destroyed or unpersisted a broadcast: drop it here, remembering a destroy's site.
   */
  void removeBroadcast(RemoveBroadcast r) {
    if (r.isDestroy()) {
      destroyed.add(r.broadcastId(), r.destroyedAt());
    }
    removeLocally(r.broadcastId());
  }

  ApplicationRequests applicationRequests() {
    return applicationRequests;
  }

  /**
   * This executor's answer to a peer's question about a broadcast, or null if it does not know it.
   */
  Locations answerLocations(GetLocations g, Connection asker) {
    return directory.answer(
        g.requestId(),
        g.broadcastId(),
        new PeerAddress(executorId, endpoint.host(), endpoint.port()),
        blocks,
        asker);
  }
}
