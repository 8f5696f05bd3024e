package io.swarmcast.broadcast;

import io.netty.buffer.ByteBuf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.Endpoint;
import io.swarmcast.node.NodeRegistry;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.Serializers;
import io.swarmcast.swarm.FetchMode;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * A broadcast whose serialized value is kept as checksummed pieces in the driver's block manager and
 * fetched by executors into theirs. {@link TorrentBroadcast} fetches from the swarm,
 * {@link DirectBroadcast} from the driver alone; everything else is shared here.
 *
 * <p>The handle carries the driver's address and the {@link PieceLayout}; its node is found through
 * {@link NodeRegistry} after deserialization. The value is cached in the node's block manager, not in
 * the handle, so every copy of a handle in one JVM shares one value and one fetch.
 */
abstract class PieceBroadcast<T> extends Broadcast<T> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PieceBroadcast.class);

  private final Endpoint driver;
  private final PieceLayout layout;
  private final boolean isLocal;
  /** The driver's own value; not shipped. */
  private transient T driverValue;
  private transient SwarmNode node;

  PieceBroadcast(long id, SwarmNode node, PieceLayout layout, boolean isLocal, T driverValue) {
    super(id);
    this.driver = node.driverEndpoint();
    this.node = node;
    this.layout = layout;
    this.isLocal = isLocal;
    this.driverValue = driverValue;
  }

  abstract FetchMode fetchMode();

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
    } catch (Exception e) {
      throw new BroadcastException("cannot read " + this + ": " + e.getMessage(), e);
    }
  }

  private Object readValue(SwarmNode n) throws IOException, InterruptedException {
    if (isLocal) {
      throw new BroadcastException(this + " was created local (isLocal = true) and can only be read in the driver's JVM");
    }
    long t0 = System.nanoTime();
    try {
      n.fetch(id(), layout.checksums(), fetchMode()).get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new BroadcastException("cannot fetch " + this + " from driver " + driver + ": "
          + (cause instanceof io.swarmcast.transport.RemoteException r ? r.remoteMessage() : cause.getMessage()), cause);
    }
    long t1 = System.nanoTime();
    List<ByteBuf> pieces = n.blockManager().allPieces(id(), layout.pieceCount());
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Object value = Blockifier.unblockify(pieces, Serializers.byName(layout.serializer()), CompressionCodec.byName(layout.codec()),
          loader != null ? loader : getClass().getClassLoader());
      LOG.debug("{}: fetched {} bytes in {} pieces in {} ms, deserialized in {} ms", this, layout.totalBytes(),
          layout.pieceCount(), (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
      return value;
    } finally {
      pieces.forEach(ByteBuf::release);
    }
  }

  private SwarmNode node() {
    SwarmNode n = node;
    if (n == null) {
      n = NodeRegistry.lookup(driver);
      node = n;
    }
    return n;
  }

  @Override
  protected void doUnpersist(boolean blocking) {
    driverNode("unpersist").removeBroadcast(id(), false, blocking, "");
  }

  @Override
  protected void doDestroy(boolean blocking) {
    driverNode("destroy").removeBroadcast(id(), true, blocking, destroySite());
    driverValue = null;
  }

  private DriverNode driverNode(String action) {
    if (node() instanceof DriverNode d) {
      return d;
    }
    throw new BroadcastException("cannot " + action + " " + this + " on an executor; only its driver can");
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
    if (driver == null || layout == null || layout.checksums() == null) {
      throw new java.io.InvalidObjectException("broadcast handle is missing its driver or layout");
    }
  }
}
