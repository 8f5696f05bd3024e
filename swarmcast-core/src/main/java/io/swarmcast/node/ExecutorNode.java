package io.swarmcast.node;

import io.swarmcast.broadcast.BroadcastException;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Ack;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Hello;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RegisterExecutor;
import io.swarmcast.protocol.RemoveBroadcast;
import io.swarmcast.protocol.RunTask;
import io.swarmcast.protocol.TaskResult;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.MemoryPieceStore;
import io.swarmcast.swarm.FetchLimits;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.swarm.FetchPolicy;
import io.swarmcast.swarm.FetchScheduler;
import io.swarmcast.swarm.FetchStrategy;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.ConnectionPool;
import io.swarmcast.transport.MessageHandler;
import io.swarmcast.transport.TransportContext;
import io.swarmcast.transport.TransportServer;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's node: registers with the driver, fetches broadcast pieces from the swarm, stores them
 * and serves them to other executors.
 *
 * <p>One connection to the driver carries registration, announcements, {@link Have} notices, removal
 * orders and application tasks; peer connections are opened on demand and carry piece requests.
 * Thread-safe.
 */
public final class ExecutorNode extends SwarmNode {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorNode.class);

  private final Endpoint driverEndpoint;
  private final Endpoint endpoint;
  private final TransportServer server;
  private final ConnectionPool peers;
  private final Handler handler = new Handler();
  private final Map<Long, SwarmFetcher> fetchers = new ConcurrentHashMap<>();
  private final ExecutorService taskThreads;
  private final SecureRandom random = new SecureRandom();
  private final FetchLimits limits;
  private volatile Connection driver;
  private volatile int executorId;
  private volatile TaskHandler taskHandler;
  /** Opened by {@link #setTaskHandler}: a task that arrives first (the driver knows us as soon as we
   * registered, which is before the application can install its handler) waits for it. */
  private final java.util.concurrent.CountDownLatch taskHandlerSet = new java.util.concurrent.CountDownLatch(1);

  private ExecutorNode(SwarmConf conf, TransportContext transport) throws IOException {
    super(conf, transport, new BlockManager(new MemoryPieceStore()), conf.get(SwarmConf.UPLOAD_MAX_WAITING));
    this.driverEndpoint = new Endpoint(conf.get(SwarmConf.DRIVER_HOST), conf.get(SwarmConf.DRIVER_PORT));
    String host = conf.get(SwarmConf.EXECUTOR_HOST);
    this.server = transport.listen(host, conf.get(SwarmConf.EXECUTOR_PORT), handler);
    this.endpoint = new Endpoint(host, server.port());
    this.peers = new ConnectionPool(transport, handler, this::hello);
    this.limits = new FetchLimits(conf.get(SwarmConf.FETCH_MAX_IN_FLIGHT), conf.get(SwarmConf.FETCH_MAX_PER_PEER),
        conf.get(SwarmConf.FETCH_MAX_FROM_DRIVER), conf.get(SwarmConf.FETCH_MAX_BAD_PIECES));
    this.taskThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "swarmcast-task");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts an executor: listens on {@code swarmcast.executor.host:port}, registers with the driver at
   * {@code swarmcast.driver.host:port}, and registers itself in this JVM's {@link NodeRegistry}.
   */
  public static ExecutorNode start(SwarmConf conf, SecurityManager security) throws IOException {
    if (conf.get(SwarmConf.DRIVER_PORT) == 0) {
      throw new io.swarmcast.conf.ConfigException(SwarmConf.DRIVER_PORT.name() + " must name the driver's port on an executor");
    }
    TransportContext transport = new TransportContext(conf, security, "executor");
    ExecutorNode node = null;
    try {
      node = new ExecutorNode(conf, transport);
      node.register();
      NodeRegistry.register(node);
      return node;
    } catch (IOException | RuntimeException e) {
      if (node != null) {
        node.closeQuietly();
      } else {
        transport.close();
      }
      throw e;
    }
  }

  private void register() throws IOException {
    long timeout = transport.timeout().toMillis();
    try {
      Connection c = transport.connect(driverEndpoint.host(), driverEndpoint.port(), handler)
          .get(timeout, TimeUnit.MILLISECONDS);
      // Known as the driver's before registering: the driver may send (a removal, a task) as soon as
      // it has registered us, possibly before its reply is read here.
      this.driver = c;
      Message reply = c.request(id -> new RegisterExecutor(id, Message.PROTOCOL_VERSION, endpoint.host(), endpoint.port()),
          ExecutorRegistered.class).get(timeout, TimeUnit.MILLISECONDS);
      this.executorId = ((ExecutorRegistered) reply).executorId();
      LOG.info("executor {} registered with driver {}, serving on {}", executorId, driverEndpoint, endpoint);
    } catch (ExecutionException e) {
      throw new IOException("cannot register with driver " + driverEndpoint + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("driver " + driverEndpoint + " did not answer registration within " + timeout + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while registering with " + driverEndpoint);
    }
  }

  private CompletableFuture<Connection> hello(Connection c) {
    // A failed handshake is the connection's failure, not an answer about some piece.
    return c.request(id -> new Hello(id, Message.PROTOCOL_VERSION, executorId), Ack.class).handle((ack, e) -> {
      if (e != null) { // the pool closes the connection
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        throw new java.util.concurrent.CompletionException(
            new IOException("handshake with " + c.remoteAddress() + " failed: " + cause.getMessage(), cause));
      }
      return c;
    });
  }

  @Override
  public boolean isDriver() {
    return false;
  }

  @Override
  public Endpoint driverEndpoint() {
    return driverEndpoint;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The id the driver gave this executor. */
  public int executorId() {
    return executorId;
  }

  /** Installs the handler for the driver's {@link RunTask} requests. */
  public void setTaskHandler(TaskHandler handler) {
    this.taskHandler = java.util.Objects.requireNonNull(handler, "handler");
    taskHandlerSet.countDown();
  }

  /** Completes when the connection to the driver is lost. */
  public CompletableFuture<Void> driverLost() {
    return driver.closeFuture();
  }

  @Override
  public CompletableFuture<Void> fetch(long broadcastId, int[] checksums, FetchMode mode) {
    FetchScheduler scheduler = new FetchScheduler(checksums.length, blocks.piecesHeld(broadcastId, checksums.length),
        FetchStrategy.of(mode), FetchPolicy.standard(limits, conf.get(SwarmConf.FETCH_PEER_TIMEOUT), random), System::nanoTime);
    SwarmFetcher fetcher = new SwarmFetcher(broadcastId, checksums, scheduler, blocks, driver, peers, stats);
    SwarmFetcher previous = fetchers.putIfAbsent(broadcastId, fetcher);
    if (previous != null) {
      return previous.future(); // e.g. a reader was interrupted and another one asks: join the running fetch
    }
    return fetcher.start().whenComplete((v, e) -> fetchers.remove(broadcastId, fetcher));
  }

  @Override
  String whyMissing(long broadcastId, int piece) {
    return "executor " + executorId + " does not hold piece " + piece + " of Broadcast(" + broadcastId + ")";
  }

  private void removeLocally(long broadcastId) {
    SwarmFetcher f = fetchers.remove(broadcastId);
    if (f != null) {
      f.cancel(new BroadcastException("Broadcast(" + broadcastId + ") was removed by the driver while being fetched"));
    }
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
    NodeRegistry.unregister(this);
    fetchers.values().forEach(f -> f.cancel(new BroadcastException("executor node closed")));
    taskThreads.shutdownNow();
    peers.close();
    server.close();
    transport.close();
    blocks.close();
  }

  private final class Handler implements MessageHandler {
    @Override
    public void onMessage(Connection from, Message message) {
      if (from == driver) {
        fromDriver(message);
      } else {
        fromPeer(from, message);
      }
    }

    private void fromDriver(Message message) {
      Connection d = driver;
      if (message instanceof Have h) {
        SwarmFetcher f = fetchers.get(h.broadcastId());
        if (f != null) {
          f.onHave(h);
        }
      } else if (message instanceof RemoveBroadcast r) {
        removeLocally(r.broadcastId());
        d.send(new Ack(r.requestId()));
      } else if (message instanceof RunTask t) {
        taskThreads.execute(() -> {
          try {
            if (!taskHandlerSet.await(transport.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
              throw new UnsupportedOperationException("this executor runs no tasks (no TaskHandler installed)");
            }
            d.send(new TaskResult(t.requestId(), taskHandler.handle(t.payload())));
          } catch (Exception | Error e) {
            LOG.warn("task {} failed", t.requestId(), e);
            d.send(new Failure(t.requestId(), e.getClass().getSimpleName() + ": " + e.getMessage()));
          }
        });
      } else if (message instanceof Message.Request req) {
        d.send(new Failure(req.requestId(), "executors do not handle " + message.type() + " from the driver"));
      } else {
        LOG.warn("ignoring unexpected {} from the driver", message.type());
      }
    }

    private void fromPeer(Connection from, Message message) {
      if (message instanceof Hello h) {
        if (h.protocolVersion() != Message.PROTOCOL_VERSION) {
          from.send(new Failure(h.requestId(), "protocol version " + h.protocolVersion() + " is not supported; this executor speaks "
              + Message.PROTOCOL_VERSION));
          from.close();
          return;
        }
        from.setRemoteNodeId(h.nodeId());
        from.send(new Ack(h.requestId()));
      } else if (from.remoteNodeId() == 0) {
        if (message instanceof Message.Request req) {
          from.send(new Failure(req.requestId(), "say Hello first"));
        }
        from.close();
      } else if (message instanceof FetchPiece f) {
        servePiece(from, f);
      } else if (message instanceof Message.Request req) {
        from.send(new Failure(req.requestId(), "executors do not handle " + message.type() + " from peers"));
      } else {
        LOG.warn("closing {}: unexpected {}", from, message.type());
        from.close();
      }
    }
  }
}
