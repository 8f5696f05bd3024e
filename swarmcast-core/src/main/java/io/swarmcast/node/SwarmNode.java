package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.FileRegion;
import io.netty.util.internal.PlatformDependent;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.metrics.MetricFamily;
import io.swarmcast.metrics.PrometheusText;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.protocol.PieceRegion;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.PieceCheck;
import io.swarmcast.storage.PieceMemory;
import io.swarmcast.storage.SpillingPieceStore;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.swarm.TransferStats;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.TransportContext;
import io.swarmcast.ui.UiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import javax.management.JMException;
import org.slf4j.LoggerFactory;

/**
 * A process's membership in one Swarmcast cluster: its {@link BlockManager}, its block server and
 * its transfer counters. The driver's node also runs the tracker ({@link DriverNode}); an
 * executor's node fetches pieces from the swarm ({@link ExecutorNode}).
 *
 * <p>Thread-safe. Closing a node stops its server, its connections and frees its pieces.
 */
public abstract sealed class SwarmNode implements AutoCloseable permits DriverNode, ExecutorNode {
  /**
   * Piece uploads a node queues for one connection before it answers "busy": bounds what a peer can
   * pin.
   */
  public static final int MAX_PIECES_QUEUED_PER_CONNECTION = 64;

  final SwarmConf conf;
  final TransportContext transport;
  final BlockManager blocks;
  final TransferStats stats = new TransferStats();
  final UploadSlots uploads;

  /**
   * Applied to every piece this node uploads; {@link UploadFilter#NONE} unless fault injection
   * asked otherwise.
   */
  private volatile UploadFilter uploadFilter = UploadFilter.NONE;

  /** This node's HTTP server ({@code swarmcast.ui.port}), or null. */
  private volatile UiServer ui;

  /** Unregisters this node's JMX bean ({@code swarmcast.metrics.jmx}), or null. */
  private volatile AutoCloseable jmx;

  /**
   * {@code memory}: where pieces take their buffers; they are kept in memory up to {@code
   * swarmcast.storage.memoryBytes} and beyond it on disk, in {@link #fileDirectory()} (see {@link
   * io.swarmcast.storage.SpillingPieceStore}). {@code uploadSlots}, {@code maxUploadsWaiting},
   * {@code maxUnconfirmed}: see {@link UploadSlots}.
   */
  SwarmNode(
      SwarmConf conf,
      TransportContext transport,
      PieceMemory memory,
      int uploadSlots,
      int maxUploadsWaiting,
      int maxUnconfirmed) {
    this.conf = conf;
    this.transport = transport;
    this.blocks =
        new BlockManager(
            new SpillingPieceStore(memoryBudget(conf), memory, this::fileDirectory), memory);
    this.uploads =
        new UploadSlots(
            uploadSlots,
            maxUploadsWaiting,
            MAX_PIECES_QUEUED_PER_CONNECTION,
            maxUnconfirmed,
            transport.timeout());
  }

  /**
   * A node's piece memory, per {@code swarmcast.storage.*}: kept for reuse and, if configured,
   * touched now, before the node serves or joins, so the first broadcast's pieces do not pay for
   * fresh pages. Not in the background: a driver may broadcast the moment its executors have
   * joined, and touching hundreds of MiB in nine JVMs at once then took the CPU that broadcast
   * needed (8 executors on two cores, 200 Mbit/s: first broadcast 1.75x). Bounded by its size:
   * about 0.1 s per 256 MiB here.
   */
  static PieceMemory pieceMemory(SwarmConf conf) {
    // Never more than half the JVM's direct memory: idle pieces must not starve the sockets'
    // buffers.
    long retain =
        Math.min(conf.get(SwarmConf.STORAGE_RETAIN_BYTES), PlatformDependent.maxDirectMemory() / 2);
    PieceMemory memory = new PieceMemory(ByteBufAllocator.DEFAULT, retain);
    long preTouch = Math.min(retain, conf.get(SwarmConf.STORAGE_PRE_TOUCH_BYTES));
    memory.preTouch(preTouch, (int) (long) conf.get(SwarmConf.BLOCK_SIZE));
    return memory;
  }

  /**
   * Bytes of pieces a node keeps in memory ({@code swarmcast.storage.memoryBytes}); {@code auto} is
   * half the JVM's direct memory, so pieces beyond it go to disk instead of failing the node.
   */
  static long memoryBudget(SwarmConf conf) {
    return conf.get(SwarmConf.STORAGE_MEMORY_BYTES).orElse(PlatformDependent.maxDirectMemory() / 2);
  }

  public abstract boolean isDriver();

  /**
   * This node's metrics now (see {@link NodeMetrics}): what {@code /metrics} serves and the JMX
   * bean shows, for a bridge to Micrometer or another registry.
   */
  public abstract List<MetricFamily> metrics();

  /** The port of this node's HTTP server ({@code swarmcast.ui.port}), or -1 if it has none. */
  public int uiPort() {
    UiServer s = ui;
    return s == null ? -1 : s.port();
  }

  /**
   * Starts what people watch the node through, as configured: the HTTP server for metrics (and,
   * given {@code swarm}, the swarm page) and the JMX bean. Called once the node's endpoint is
   * bound.
   */
  final void startObservability(SwarmWatch swarm) throws IOException {
    if (conf.get(SwarmConf.METRICS_JMX)) {
      try {
        jmx =
            MetricsMBean.register(
                isDriver() ? "driver" : "executor", endpoint().port(), this::metrics);
      } catch (JMException e) {
        LoggerFactory.getLogger(SwarmNode.class)
            .warn("metrics not offered over JMX: {}", e.toString());
      }
    }
    int port = conf.get(SwarmConf.UI_PORT);
    if (port >= 0) {
      ui =
          UiServer.start(
              new UiServer.Content() {
                @Override
                public String metrics() {
                  return PrometheusText.write(SwarmNode.this.metrics());
                }

                @Override
                public boolean hasSwarm() {
                  return swarm != null;
                }

                @Override
                public String swarmJson(int offset, int limit) {
                  return swarm.json(offset, limit);
                }
              },
              conf.get(SwarmConf.UI_BIND_HOST),
              port);
    }
  }

  /** Stops the HTTP server and unregisters the JMX bean. */
  final void stopObservability() {
    UiServer s = ui;
    if (s != null) {
      s.close();
    }
    AutoCloseable j = jmx;
    if (j != null) {
      try {
        j.close();
      } catch (Exception e) {
        LoggerFactory.getLogger(SwarmNode.class).debug("unregistering the JMX bean", e);
      }
    }
  }

  /** The driver this node belongs to (for the driver, itself). */
  public abstract Endpoint driverEndpoint();

  /** Where this node serves pieces. */
  public abstract Endpoint endpoint();

  /**
   * The incarnation of the driver this node belongs to (for the driver, its own): a random 64-bit
   * value picked when the driver started, which every handle carries. 0 while an executor has no
   * driver.
   */
  public abstract long driverIncarnation();

  /**
   * Where broadcast {@code broadcastId} was destroyed, if this node has learned that it was; null
   * if it has not. Handles consult it, so {@code isValid()} is false on every node that heard of a
   * destroy.
   */
  public abstract String destroyedAt(long broadcastId);

  /**
   * Makes sure every piece of a broadcast is in this node's block manager, fetching what is
   * missing. Completes at once on the driver, which holds every piece of its broadcasts.
   */
  public final CompletableFuture<Void> fetch(long broadcastId, int[] checksums, FetchMode mode) {
    return fetch(broadcastId, checksums, PieceCheck.NONE, mode);
  }

  /**
   * As {@link #fetch(long, int[], FetchMode)}; a piece is stored only if it also passes {@code
   * check}.
   */
  public abstract CompletableFuture<Void> fetch(
      long broadcastId, int[] checksums, PieceCheck check, FetchMode mode);

  /**
   * Makes sure every piece of a file broadcast the driver reads while serving it is in this node's
   * block manager, each verified against the checksums the driver publishes as it reads (asked of
   * the driver, never of a peer; see {@link io.swarmcast.protocol.GetChecksums}). The future holds
   * the whole file's SHA-256 as the driver computed it, once every piece is here; it fails if the
   * driver could not read the file (it changed meanwhile) or went away before it had vouched for
   * every piece.
   */
  public abstract CompletableFuture<byte[]> fetchFile(
      long broadcastId, int pieceCount, boolean pieceSha256, FetchMode mode);

  /**
   * Where this node keeps the files of file broadcasts it fetches: a directory of its own under
   * {@code swarmcast.storage.dir} (the JVM's temporary directory by default), named by process and
   * port so that executors sharing a host and a storage directory never share files. Created with
   * the first file, and removed with the last.
   */
  public Path fileDirectory() {
    String dir = conf.get(SwarmConf.STORAGE_DIR);
    Path base = Path.of(dir.isEmpty() ? System.getProperty("java.io.tmpdir") : dir);
    return base.resolve("swarmcast-" + ProcessHandle.current().pid() + "-" + endpoint().port());
  }

  public BlockManager blockManager() {
    return blocks;
  }

  public TransferStats stats() {
    return stats;
  }

  public SwarmConf conf() {
    return conf;
  }

  /**
   * Installs what this node does to each piece it uploads from now on (see {@link UploadFilter}):
   * for fault injection, so that demos and tests can run a node that serves corrupt pieces.
   */
  public void setUploadFilter(UploadFilter filter) {
    this.uploadFilter = Objects.requireNonNull(filter, "filter");
  }

  /** Why this node cannot serve a piece, for the requester. */
  abstract String whyMissing(long broadcastId, int piece);

  /**
   * Queues an upload for {@code from} (see {@link UploadSlots}); answers {@link Busy} instead if
   * {@code from} already has as many queued as a connection may.
   */
  final void queueUpload(Connection from, long requestId, UploadSlots.Upload upload) {
    if (!uploads.offer(from, upload)) {
      from.send(new Busy(requestId));
    }
  }

  /**
   * Answers a piece request from the block manager, zero-copy, when an upload slot is free: a piece
   * in memory is written from its buffer, a piece in a file with {@code sendfile} unless TLS must
   * see it.
   */
  final void servePiece(Connection from, FetchPiece request) {
    queueUpload(from, request.requestId(), () -> sendPiece(from, request));
  }

  /** Sends a piece now; null if this node does not hold it (the requester is told why). */
  final CompletableFuture<Void> sendPiece(Connection to, FetchPiece request) {
    // Only pieces on disk (a file broadcast's, or spilled ones) can go by sendfile: memory pieces
    // skip the pipeline lookup.
    if (blocks.hasPiecesOnDisk(request.broadcastId())
        && uploadFilter == UploadFilter.NONE
        && to.carriesFileRegions()) {
      FileRegion region = blocks.pieceRegion(request.broadcastId(), request.piece());
      if (region != null) {
        stats.served(request.broadcastId(), region.count());
        return to.send(
            new PieceRegion(request.requestId(), request.broadcastId(), request.piece(), region));
      }
    }
    ByteBuf piece = blocks.getPiece(request.broadcastId(), request.piece());
    if (piece == null) {
      to.send(new Failure(request.requestId(), whyMissing(request.broadcastId(), request.piece())));
      return null;
    }
    stats.served(request.broadcastId(), piece.readableBytes());
    ByteBuf sent = uploadFilter.apply(request.broadcastId(), request.piece(), piece);
    return to.send(
        new PieceData(request.requestId(), request.broadcastId(), request.piece(), sent));
  }

  @Override
  public abstract void close();
}
