package io.swarmcast.node;

import io.swarmcast.conf.SwarmConf;
import io.swarmcast.metrics.MetricFamily;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.Announce;
import io.swarmcast.protocol.AnnounceMany;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchAnyPiece;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.FetchReport;
import io.swarmcast.protocol.GetChecksums;
import io.swarmcast.protocol.GetLocations;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.protocol.RunTask;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.storage.PieceCheck;
import io.swarmcast.storage.PieceFile;
import io.swarmcast.storage.PieceMemory;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.tracker.ExecutorInfo;
import io.swarmcast.tracker.Tracker;
import io.swarmcast.transport.Admission;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.HandshakeException;
import io.swarmcast.transport.MessageHandler;
import io.swarmcast.transport.TransportContext;
import io.swarmcast.transport.TransportServer;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's node: holds every piece of the driver's broadcasts, serves them, and runs the {@link
 * Tracker} that executors register with, announce pieces to and ask for locations.
 *
 * <p>Thread-safe. Messages are handled on event-loop threads and never block.
 */
public final class DriverNode extends SwarmNode {
  private static final Logger LOG = LoggerFactory.getLogger(DriverNode.class);

  /**
   * How long after its write a piece the driver sent counts as in flight, waiting for the
   * executor's announcement (see {@link DeliveryReceipts}).
   */
  public static final Duration RECEIPT_TIMEOUT = Duration.ofSeconds(1);

  private final Tracker tracker;
  private final DeliveryReceipts receipts = new DeliveryReceipts(RECEIPT_TIMEOUT);

  /** The connection of each registered executor: where its notices, removals and tasks go. */
  private final Map<Integer, Connection> executorConnections = new ConcurrentHashMap<>();

  private final ApplicationRequests applicationRequests;
  private final long spareCopyBytes;
  private final TransportServer server;
  private final Endpoint endpoint;
  private final long incarnation = newIncarnation();
  private final SwarmWatch watch;

  /**
   * Files read while they are served: their checksums, and requests waiting for pieces not read
   * yet.
   */
  private final StreamedFiles streamed;

  private DriverNode(SwarmConf conf, TransportContext transport, PieceMemory memory)
      throws IOException {
    // Unbounded: the driver's link is the one every byte crosses, and no other holder has its fresh
    // pieces.
    super(
        conf,
        transport,
        memory,
        conf.get(SwarmConf.UPLOAD_SLOTS),
        Integer.MAX_VALUE,
        conf.get(SwarmConf.DRIVER_MAX_PIECES_IN_FLIGHT));
    this.tracker =
        new Tracker(
            this::sendNotice, new SplittableRandom(), conf.get(SwarmConf.TRACKER_NEIGHBOURS));
    this.applicationRequests = new ApplicationRequests(transport.timeout());
    this.spareCopyBytes = conf.get(SwarmConf.DRIVER_SPARE_COPIES);
    Handler handler = new Handler();
    String host = conf.get(SwarmConf.DRIVER_HOST);
    String advertised = Addresses.advertise(host, SwarmConf.DRIVER_HOST.name());
    this.server =
        transport.listen(
            Addresses.bind(conf.get(SwarmConf.DRIVER_BIND_HOST), host),
            conf.get(SwarmConf.DRIVER_PORT),
            handler,
            handler);
    this.endpoint = new Endpoint(advertised, server.port());
    this.watch = new SwarmWatch(tracker, this);
    this.streamed = new StreamedFiles(transport.timeout());
  }

  /** A random, non-zero incarnation id: 0 means "no driver" on the wire. */
  private static long newIncarnation() {
    long id;
    do {
      id = new SecureRandom().nextLong();
    } while (id == 0);
    return id;
  }

  /**
   * Starts a driver listening on {@code swarmcast.driver.host:port} and registers it in this JVM.
   */
  public static DriverNode start(SwarmConf conf, SecurityManager security) throws IOException {
    PieceMemory memory = pieceMemory(conf);
    TransportContext transport = new TransportContext(conf, security, "driver", memory);
    try {
      DriverNode node = new DriverNode(conf, transport, memory);
      try {
        node.startObservability(node.watch);
      } catch (IOException | RuntimeException e) {
        node.close();
        throw e;
      }
      NodeRegistry.register(node, node.incarnation);
      LOG.info(
          "driver listening on {} (incarnation {})",
          node.endpoint,
          Long.toHexString(node.incarnation));
      return node;
    } catch (IOException | RuntimeException e) {
      transport.close();
      throw e;
    }
  }

  private void sendNotice(int executorId, Have notice) {
    Connection c = executorConnections.get(executorId);
    if (c != null) {
      c.send(notice);
    }
  }

  @Override
  public boolean isDriver() {
    return true;
  }

  @Override
  public List<MetricFamily> metrics() {
    return NodeMetrics.of(this, tracker);
  }

  /**
   * The swarm as the page shows it: JSON for executors {@code offset .. offset+limit} (see {@link
   * SwarmWatch}).
   */
  public String swarmJson(int offset, int limit) {
    return watch.json(offset, limit);
  }

  /** What the page and {@code status} show; for this package's tests. */
  SwarmWatch watch() {
    return watch;
  }

  /**
   * The latest {@link io.swarmcast.protocol.FetchReport} of each executor for a broadcast, by
   * executor id.
   */
  public Map<Integer, FetchReport> fetchReports(long broadcastId) {
    return watch.reports(broadcastId);
  }

  @Override
  public Endpoint driverEndpoint() {
    return endpoint;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  public Tracker tracker() {
    return tracker;
  }

  @Override
  public long driverIncarnation() {
    return incarnation;
  }

  @Override
  public String destroyedAt(long broadcastId) {
    return tracker.destroyedAt(broadcastId);
  }

  /**
   * Waits until {@code n} executors have registered; throws {@link TimeoutException} naming how
   * many did.
   */
  public void awaitExecutors(int n, long timeout, TimeUnit unit)
      throws InterruptedException, TimeoutException {
    if (!tracker.awaitExecutors(n, unit.toMillis(timeout))) {
      throw new TimeoutException(
          "only "
              + tracker.executors().size()
              + " of "
              + n
              + " executors registered within "
              + unit.toSeconds(timeout)
              + " s");
    }
  }

  /**
   * Waits until every piece of a broadcast is held by at least one executor (announced to the
   * tracker); false on timeout. Polls every 5 ms: the tracker's lock is the swarm's busiest, and
   * this must not add a wake-up to every announcement.
   *
   * @throws NodeException if the driver does not know the broadcast (never created, or removed)
   */
  public boolean awaitSeeded(long broadcastId, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (true) {
      if (!tracker.knows(broadcastId)) {
        throw new NodeException(tracker.whyUnknown(broadcastId));
      }
      if (tracker.isSeeded(broadcastId)) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(5);
    }
  }

  public List<ExecutorInfo> executors() {
    return tracker.executors();
  }

  @Override
  public CompletableFuture<Void> fetch(
      long broadcastId, int[] checksums, PieceCheck check, FetchMode mode) {
    if (!blocks.piecesHeld(broadcastId, checksums.length).equals(allSet(checksums.length))) {
      return CompletableFuture.failedFuture(new NodeException(tracker.whyUnknown(broadcastId)));
    }
    return CompletableFuture.completedFuture(null);
  }

  private static BitSet allSet(int n) {
    BitSet b = new BitSet(n);
    b.set(0, n);
    return b;
  }

  /**
   * Starts tracking a broadcast of {@code totalBytes} in {@code pieceCount} pieces, all in this
   * node's block manager, with the spare copies {@link Tracker#spareCopies} gives for {@link
   * SwarmConf#DRIVER_SPARE_COPIES}.
   */
  public void registerBroadcast(long broadcastId, int pieceCount, long totalBytes, FetchMode mode) {
    tracker.addBroadcast(
        broadcastId,
        pieceCount,
        mode == FetchMode.SWARM,
        Tracker.spareCopies(totalBytes, pieceCount, spareCopyBytes));
    watch.added(broadcastId, totalBytes);
  }

  /**
   * Starts a file broadcast that is served while it is read: registers it with no piece available
   * yet, and reads {@code source} on the node's reader thread (see {@link StreamedFile}), each
   * piece becoming available to the swarm as soon as its checksums are known. Returns at once; the
   * future holds the whole file's SHA-256 once it is read, or fails saying why it could not be
   * (e.g. the file changed meanwhile).
   */
  public CompletableFuture<byte[]> broadcastStreamedFile(
      long broadcastId, PieceFile source, boolean pieceSha256, FetchMode mode) throws IOException {
    StreamedFile file = new StreamedFile(broadcastId, source, pieceSha256);
    blocks.addFile(broadcastId, source);
    tracker.addBroadcast(
        broadcastId,
        source.pieceCount(),
        mode == FetchMode.SWARM,
        Tracker.spareCopies(source.length(), source.pieceCount(), spareCopyBytes),
        0);
    watch.added(broadcastId, source.length());
    streamed.start(
        file,
        blocks.memory(),
        (from, to) -> {
          for (int i = from; i < to; i++) {
            source.markRead(i);
          }
          tracker.piecesAvailable(broadcastId, to);
        });
    return file.fileDigest();
  }

  /**
   * The SHA-256 of a file broadcast this driver reads while serving it: completes once the file is
   * read, fails if it could not be. Null if {@code broadcastId} is no such broadcast.
   */
  public CompletableFuture<byte[]> fileDigest(long broadcastId) {
    StreamedFile f = streamed.get(broadcastId);
    return f == null ? null : f.fileDigest();
  }

  /**
   * For tests (through the test fixture {@code NodeFaults}): {@code hook} runs on the reader thread
   * before each piece of a file is read (see {@link #broadcastStreamedFile}), so that a test can
   * hold the reader at a piece and watch what the swarm does meanwhile.
   */
  void beforeFileRead(IntConsumer hook) {
    streamed.beforeRead = Objects.requireNonNull(hook, "hook");
  }

  @Override
  public CompletableFuture<byte[]> fetchFile(
      long broadcastId, int pieceCount, boolean pieceSha256, FetchMode mode) {
    CompletableFuture<byte[]> digest = fileDigest(broadcastId);
    return digest != null
        ? digest
        : CompletableFuture.failedFuture(new NodeException(tracker.whyUnknown(broadcastId)));
  }

  /**
   * Removes a broadcast's blocks from every executor and, if {@code removeFromDriver}, from the
   * driver too, remembering {@code site} to explain later use. If {@code blocking}, returns only
   * when every live executor confirmed, and throws a {@link NodeException} naming those that did
   * not.
   */
  public void removeBroadcast(
      long broadcastId, boolean removeFromDriver, boolean blocking, String site) {
    List<CompletableFuture<Message>> acks = new ArrayList<>();
    List<ExecutorInfo> targets = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    for (ExecutorInfo e : tracker.executors()) {
      Connection c = executorConnections.get(e.id());
      if (c != null) {
        targets.add(e);
        connections.add(c);
        // A destroy names its site, so the executor's own handles turn invalid and say where.
        String destroyedAt =
            removeFromDriver ? (site.isEmpty() ? "destroyed on the driver" : site) : "";
        acks.add(c.request(id -> new RemoveBroadcast(id, broadcastId, destroyedAt), Ack.class));
      }
    }
    if (removeFromDriver) {
      streamed.remove(broadcastId);
      tracker.destroyed(broadcastId, site);
      watch.removed(broadcastId);
      blocks.removeBroadcast(broadcastId);
      stats.forget(broadcastId);
    } else {
      tracker.executorsDropped(broadcastId);
    }
    if (!blocking) {
      return;
    }
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < acks.size(); i++) {
      try {
        acks.get(i).get();
      } catch (ExecutionException e) {
        if (connections.get(i).isActive()) {
          failed.add(targets.get(i) + ": " + e.getCause().getMessage());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeException("interrupted while removing Broadcast(" + broadcastId + ")");
      }
    }
    if (!failed.isEmpty()) {
      throw new NodeException("removing Broadcast(" + broadcastId + ") failed on " + failed);
    }
  }

  /**
   * Sends an application request to one executor (see {@link ApplicationRequests}); the future
   * holds its {@link TaskHandler}'s answer; {@link NodeException} if no such executor is
   * registered. A task may take as long as it needs (reading a large broadcast does): it fails only
   * if the executor fails it or the connection is lost.
   */
  public CompletableFuture<byte[]> runTask(int executorId, byte[] payload) {
    Connection target = executorConnections.get(executorId);
    if (target == null) {
      throw new NodeException("no executor " + executorId + " is registered");
    }
    return applicationRequests.call(target, payload);
  }

  @Override
  String whyMissing(long broadcastId, int piece) {
    String failed = streamed.failure(broadcastId);
    if (failed != null) {
      return failed;
    }
    return tracker.knows(broadcastId)
        ? "the driver does not hold piece " + piece + " of Broadcast(" + broadcastId + ")"
        : tracker.whyUnknown(broadcastId);
  }

  @Override
  public void close() {
    NodeRegistry.unregister(this, incarnation);
    stopObservability();
    server.close();
    transport.close(); // closes every executor's connection first, so each learns at once
    streamed.close();
    applicationRequests.close();
    blocks.close();
  }

  /**
   * The driver's side of every executor connection: admits registrations (the handshake) and
   * handles what registered executors send. One method per inbound message; what executors never
   * send the driver is refused.
   */
  private final class Handler implements MessageHandler, Admission {
    @Override
    public int admitExecutor(Connection from, String host, int port) {
      ExecutorInfo info;
      // Client-side locking on the tracker (whose methods lock it): no one who lists the executors
      // sees this one before its connection is known, so runTask on any listed executor finds it.
      // SendFileIT's send --until seeded once hit that window under load.
      synchronized (tracker) {
        info = tracker.register(host, port);
        executorConnections.put(info.id(), from);
      }
      LOG.info("{} registered from {}", info, from.remoteAddress());
      return info.id();
    }

    @Override
    public void admitPeer(Connection from, int nodeId) throws HandshakeException {
      throw new HandshakeException("the driver takes RegisterExecutor, not Hello");
    }

    @Override
    public long driverIncarnation() {
      return incarnation;
    }

    /**
     * Records what an executor says it holds, under the id the driver gave its connection (it
     * cannot speak for another). What the tracker can check, it does: a piece index outside a known
     * broadcast is a lie or a bug, and the executor is dropped (its connection closed, so it is
     * unregistered and everything it announced forgotten). A broadcast the tracker does not know is
     * ignored: it may just have been destroyed. Whether it really holds an in-range piece cannot be
     * checked here; a fetcher that gets a bad piece from it bans it (swarmcast.fetch.maxBadPieces).
     * An executor announcing a broadcast the driver destroyed missed the removal (it was away, and
     * rejoining announces what it holds): it is told again, so that it stops serving those pieces.
     */
    @Override
    public void announce(Connection from, Announce a) {
      int count = tracker.pieceCount(a.broadcastId());
      if (count < 0 && toldDestroyed(from, a.broadcastId())) {
        return;
      }
      if (count >= 0 && (a.piece() < 0 || a.piece() >= count)) {
        LOG.warn(
            "closing {}: executor {} announced piece {} of Broadcast({}), which has {} pieces; dropping it",
            from,
            from.remoteNodeId(),
            a.piece(),
            a.broadcastId(),
            count);
        from.close();
        return;
      }
      if (count >= 0 && a.piece() >= tracker.piecesAvailable(a.broadcastId())) {
        uncheckable(from, a.broadcastId(), a.piece());
        return;
      }
      receipts.announced(from, a.broadcastId(), a.piece());
      tracker.announce(from.remoteNodeId(), a.broadcastId(), a.piece());
    }

    /**
     * Tells an executor that announced pieces of a broadcast the driver destroyed to drop them (it
     * missed the removal: it was away, and rejoining announces what it holds); false if it was not
     * destroyed.
     */
    private boolean toldDestroyed(Connection from, long broadcastId) {
      String destroyedAt = tracker.destroyedAt(broadcastId);
      if (destroyedAt == null) {
        return false;
      }
      from.request(
          id ->
              new RemoveBroadcast(
                  id, broadcastId, destroyedAt.isEmpty() ? "destroyed on the driver" : destroyedAt),
          Ack.class);
      return true;
    }

    /**
     * Pieces an executor got from peers, in one message (see {@link
     * io.swarmcast.swarm.AnnouncementBatch}); checked as {@link #announce} is.
     */
    @Override
    public void announceMany(Connection from, AnnounceMany a) {
      int count = tracker.pieceCount(a.broadcastId());
      if (count < 0) {
        toldDestroyed(from, a.broadcastId());
        return;
      }
      if (a.pieceCount() != count) {
        LOG.warn(
            "closing {}: executor {} announced pieces of Broadcast({}) as {} pieces; it has {}; dropping it",
            from,
            from.remoteNodeId(),
            a.broadcastId(),
            a.pieceCount(),
            count);
        from.close();
        return;
      }
      if (a.pieces().length() > tracker.piecesAvailable(a.broadcastId())) {
        uncheckable(from, a.broadcastId(), a.pieces().length() - 1);
        return;
      }
      tracker.announce(from.remoteNodeId(), a.broadcastId(), a.pieces());
    }

    /**
     * An executor announced a piece of a file the driver has not checksummed yet: it cannot hold a
     * verified copy (it learns each checksum from the driver), so it lies or is broken, and is
     * dropped.
     */
    private void uncheckable(Connection from, long broadcastId, int piece) {
      LOG.warn(
          "closing {}: executor {} announced piece {} of Broadcast({}), whose checksum the driver does not know yet; "
              + "dropping it",
          from,
          from.remoteNodeId(),
          piece,
          broadcastId);
      from.close();
    }

    /**
     * Checksums of a file the driver reads while serving it: now if known, else as soon as they
     * are.
     */
    @Override
    public void getChecksums(Connection from, GetChecksums g) {
      streamed.getChecksums(
          from,
          g,
          tracker.knows(g.broadcastId())
              ? "Broadcast(" + g.broadcastId() + ") is not a file; its checksums are in its handle"
              : tracker.whyUnknown(g.broadcastId()));
    }

    @Override
    public void getLocations(Connection from, GetLocations g) {
      tracker
          .locations(g.requestId(), from.remoteNodeId(), g.broadcastId())
          .ifPresentOrElse(
              from::send,
              () -> from.send(new Failure(g.requestId(), tracker.whyUnknown(g.broadcastId()))));
    }

    @Override
    public void fetchPiece(Connection from, FetchPiece f) {
      // A piece of a file not read yet is served once it is (or answered busy): never unchecked.
      if (!streamed.parkForPiece(
          from, f.requestId(), f.broadcastId(), f.piece(), () -> fetchPiece(from, f))) {
        servePiece(from, f);
      }
    }

    @Override
    public void fetchAnyPiece(Connection from, FetchAnyPiece f) {
      if (!tracker.knows(f.broadcastId())) {
        from.send(new Failure(f.requestId(), tracker.whyUnknown(f.broadcastId())));
        return;
      }
      // The piece is chosen when a slot frees, not now: a piece chosen is a piece booked, and by
      // then the ledger knows more of what the others were sent.
      queueUpload(
          from,
          f.requestId(),
          new UploadSlots.Upload() {
            private CompletableFuture<Boolean> receipt;

            @Override
            public CompletableFuture<Void> start() {
              int piece =
                  tracker.choosePieceToSend(
                      f.broadcastId(), from.remoteNodeId(), f.exclude(), f.allowDuplicate());
              if (piece == Tracker.NOT_NOW) {
                from.send(new Busy(f.requestId())); // it lags: its peers serve it meanwhile
                return null;
              }
              if (piece < 0) {
                // A file still being read will have fresh pieces: wait for them rather than
                // decline.
                if (!streamed.parkForAny(
                    from, f.requestId(), f.broadcastId(), () -> fetchAnyPiece(from, f))) {
                  String failed = streamed.failure(f.broadcastId());
                  from.send(
                      failed != null ? new Failure(f.requestId(), failed) : new Ack(f.requestId()));
                }
                return null;
              }
              long startNanos = System.nanoTime();
              int bytes = blocks.pieceBytes(f.broadcastId(), piece);
              receipt = receipts.expect(from, f.broadcastId(), piece);
              receipt.thenAccept(
                  announced -> {
                    if (announced) {
                      tracker.delivered(from.remoteNodeId(), bytes, System.nanoTime() - startNanos);
                    }
                  });
              CompletableFuture<Void> written =
                  sendPiece(from, new FetchPiece(f.requestId(), f.broadcastId(), piece));
              if (written == null) {
                receipts.written(
                    from, f.broadcastId(), piece, receipt, new IllegalStateException("not sent"));
              } else {
                written.whenComplete(
                    (v, e) -> receipts.written(from, f.broadcastId(), piece, receipt, e));
              }
              return written;
            }

            @Override
            public CompletableFuture<Boolean> confirmed() {
              return receipt;
            }
          });
    }

    @Override
    public void have(Connection from, Have h) {
      LOG.warn("closing {}: the driver is sent no {}", from, h.type());
      from.close();
    }

    @Override
    public void removeBroadcast(Connection from, RemoveBroadcast r) {
      from.send(new Failure(r.requestId(), "the driver does not handle " + r.type()));
    }

    @Override
    public void runTask(Connection from, RunTask t) {
      from.send(new Failure(t.requestId(), "the driver does not handle " + t.type()));
    }

    /**
     * An executor's account of a fetch: kept for the swarm page and {@code status}, under the id
     * its connection has.
     */
    @Override
    public void fetchReport(Connection from, FetchReport r) {
      watch.reported(from.remoteNodeId(), r);
    }

    @Override
    public void onClosed(Connection connection) {
      int id = connection.remoteNodeId();
      LOG.info("executor {} disconnected", id);
      receipts.closed(connection);
      synchronized (tracker) { // as in admitExecutor: listed if and only if connected
        executorConnections.remove(id, connection);
        tracker.unregister(id);
      }
    }
  }
}
