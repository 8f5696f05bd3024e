package io.swarmcast.broadcast;

import io.netty.buffer.ByteBuf;
import io.swarmcast.broadcast.internal.Blockifier;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.Endpoint;
import io.swarmcast.node.NodeException;
import io.swarmcast.node.NodeRegistry;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.Serializers;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.storage.BlockNotFoundException;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.transport.RemoteException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broadcast whose serialized value is kept as checksummed pieces in the driver's block manager
 * and fetched by executors into theirs. {@link TorrentBroadcast} fetches from the swarm, {@link
 * DirectBroadcast} from the driver alone; everything else is shared here.
 *
 * <p>The handle carries the driver's address and the {@link PieceLayout}; its node is found through
 * {@link NodeRegistry} after deserialization. The value is cached in the node's block manager, not
 * in the handle, so every copy of a handle in one JVM shares one value and one fetch.
 */
abstract class PieceBroadcast<T> extends Broadcast<T> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PieceBroadcast.class);

  private final Endpoint driver;

  /**
   * Which run of the driver made this handle: finds this JVM's node of that driver (see
   * NodeRegistry).
   */
  private final long driverIncarnation;

  private final PieceLayout layout;
  private final boolean isLocal;

  /** The driver's own value; not shipped. */
  private transient T driverValue;

  private transient SwarmNode node;

  PieceBroadcast(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T driverValue) {
    super(id);
    this.driver = node.driverEndpoint();
    this.driverIncarnation = node.driverIncarnation();
    this.node = node;
    this.layout = layout;
    this.isLocal = isLocal;
    this.driverValue = driverValue;
  }

  abstract FetchMode fetchMode();

  final PieceLayout layout() {
    return layout;
  }

  final boolean isLocal() {
    return isLocal;
  }

  /**
   * Makes this deserialized handle read through {@code executor} instead of the node {@link
   * NodeRegistry} would find: for the warm-up's private executors, which are not registered.
   * Returns this handle.
   */
  PieceBroadcast<T> readThrough(SwarmNode executor) {
    if (executor.driverIncarnation() != driverIncarnation) {
      throw new IllegalArgumentException(executor + " belongs to another driver than " + this);
    }
    this.node = executor;
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected T getValue() {
    if (driverValue != null) {
      return driverValue;
    }
    SwarmNode n = node();
    try {
      return (T) n.blockManager().getOrComputeValue(id(), () -> readValue(n));
    } catch (BroadcastException e) {
      throw e;
    } catch (NodeException e) {
      throw new BroadcastException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BroadcastException("interrupted while reading " + this, e);
    } catch (Exception e) {
      throw new BroadcastException("cannot read " + this + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fetches the pieces and deserializes them as they arrive: the reader follows the fetch in piece
   * order, waiting for each next piece, so that once the last piece is here only what follows the
   * last gap is left to read. (Read after the fetch, a 128 MiB value took 0.2–0.4 s more at 16
   * executors sharing two cores, all at the same moment.)
   */
  Object readValue(SwarmNode n) throws IOException, InterruptedException {
    if (isLocal) {
      throw new BroadcastException(
          this + " was created local (isLocal = true) and can only be read in the driver's JVM");
    }
    long t0 = System.nanoTime();
    CompletableFuture<Void> fetch = n.fetch(id(), layout.checksums(), fetchMode());
    CompletableFuture<Long> fetchedAt = fetch.thenApply(v -> System.nanoTime());
    BlockManager blocks = n.blockManager();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    Object value;
    try {
      value =
          Blockifier.unblockify(
              layout.pieceCount(),
              i -> awaitPiece(blocks, i, fetch),
              Serializers.forReading(layout.serializer(), n.conf()),
              CompressionCodec.byName(layout.codec()),
              loader != null ? loader : getClass().getClassLoader());
    } catch (IOException | RuntimeException e) {
      try {
        awaitFetch(fetch); // a failed fetch is the cause, not what the reader made of its absence
      } catch (BroadcastException | InterruptedException fetchFailure) {
        fetchFailure.addSuppressed(e);
        throw fetchFailure;
      }
      throw e;
    }
    // The value can be complete before the fetch is (trailing bytes): every piece must be here to
    // serve.
    awaitFetch(fetch);
    if (LOG.isDebugEnabled()) {
      long t1 = System.nanoTime();
      long fetched = Math.min(t1, fetchedAt.join()); // the stamp can run after this thread woke
      LOG.debug(
          "{}: {} bytes in {} pieces fetched in {} ms, read {} ms after the last piece",
          this,
          layout.totalBytes(),
          layout.pieceCount(),
          (fetched - t0) / 1_000_000,
          (t1 - fetched) / 1_000_000);
    }
    return value;
  }

  private ByteBuf awaitPiece(BlockManager blocks, int piece, CompletableFuture<Void> fetch)
      throws IOException {
    try {
      ByteBuf b = blocks.awaitPiece(id(), piece, fetch);
      if (b == null) {
        awaitFetch(fetch);
        throw new BlockNotFoundException(
            "piece " + piece + " of broadcast " + id() + " is no longer stored here");
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + this);
    }
  }

  /** Returns once the fetch has succeeded; throws why it failed. */
  final void awaitFetch(CompletableFuture<?> fetch) throws InterruptedException {
    try {
      fetch.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new BroadcastException(
          "cannot fetch "
              + this
              + " from driver "
              + driver
              + ": "
              + (cause instanceof RemoteException r ? r.remoteMessage() : cause.getMessage()),
          cause);
    }
  }

  private SwarmNode node() {
    SwarmNode n = node;
    // The node an executor had may since have joined a restarted driver: then this handle's is
    // gone.
    if (n == null || n.driverIncarnation() != driverIncarnation) {
      try {
        n = NodeRegistry.lookup(driverIncarnation, driver);
      } catch (NodeException e) {
        throw new BroadcastException(e.getMessage(), e);
      }
      node = n;
    }
    return n;
  }

  @Override
  protected String destroyedElsewhereAt() {
    try {
      return node().destroyedAt(id());
    } catch (BroadcastException noNode) {
      return null; // nothing here has heard of a destroy
    }
  }

  @Override
  protected void doUnpersist(boolean blocking) {
    try {
      driverNode("unpersist").removeBroadcast(id(), false, blocking, "");
    } catch (NodeException e) {
      throw new BroadcastException(e.getMessage(), e);
    }
  }

  @Override
  protected void doDestroy(boolean blocking) {
    try {
      driverNode("destroy").removeBroadcast(id(), true, blocking, destroySite());
    } catch (NodeException e) {
      throw new BroadcastException(e.getMessage(), e);
    }
    driverValue = null;
  }

  private DriverNode driverNode(String action) {
    if (node() instanceof DriverNode d) {
      return d;
    }
    throw new BroadcastException(
        "cannot " + action + " " + this + " on an executor; only its driver can");
  }

  /** Serialized size of the value in bytes, after compression. */
  public long serializedBytes() {
    return layout.totalBytes();
  }

  public int pieceCount() {
    return layout.pieceCount();
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (driver == null || layout == null || layout.checksums() == null || driverIncarnation == 0) {
      throw new InvalidObjectException(
          "broadcast handle is missing its driver, its driver's incarnation or its layout");
    }
  }
}
