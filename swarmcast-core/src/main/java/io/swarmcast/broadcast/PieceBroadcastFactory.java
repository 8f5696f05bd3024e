package io.swarmcast.broadcast;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.swarmcast.broadcast.internal.Blockifier;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.node.DriverNode;
import io.swarmcast.node.NodeException;
import io.swarmcast.node.SwarmNode;
import io.swarmcast.security.SecurityManager;
import io.swarmcast.serializer.ByteArraySerializer;
import io.swarmcast.serializer.CompressionCodec;
import io.swarmcast.serializer.Serializer;
import io.swarmcast.serializer.Serializers;
import io.swarmcast.storage.PieceFile;
import io.swarmcast.swarm.FetchMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the torrent and direct factories share: on the driver, cut the value into checksummed
 * pieces, store them, and register the broadcast with the tracker; removal goes through the
 * driver's node. Thread-safe after {@link #initialize}.
 */
abstract class PieceBroadcastFactory implements BroadcastFactory {
  private volatile SwarmNode node;
  private volatile Serializer serializer;

  /** For a byte[] value, whatever {@link #serializer} is: see {@link ByteArraySerializer}. */
  private volatile Serializer bytesSerializer;

  private volatile CompressionCodec codec;
  private volatile int blockSize;
  private volatile int minBlockSize;
  private volatile int piecesPerExecutor;
  private volatile int piecesAskedAtOnce;
  private volatile boolean sha256PerPiece;

  /**
   * The node this factory works with: called by {@link BroadcastManager} just before {@link
   * #initialize}, since the node is not part of the public {@link BroadcastFactory} interface.
   */
  void attach(SwarmNode node) {
    this.node = node;
  }

  @Override
  public void initialize(boolean isDriver, SwarmConf conf, SecurityManager security) {
    SwarmNode node = this.node;
    if (node == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " has no node attached");
    }
    if (isDriver != node.isDriver()) {
      throw new IllegalArgumentException(
          "isDriver = "
              + isDriver
              + " but the node is "
              + (node.isDriver() ? "a driver" : "an executor"));
    }
    this.serializer =
        Serializers.forReading(conf.get(SwarmConf.SERIALIZER), conf); // same settings for writing
    this.bytesSerializer = Serializers.forReading(ByteArraySerializer.NAME, conf);
    this.codec = CompressionCodec.byName(conf.get(SwarmConf.COMPRESS));
    this.blockSize = (int) (long) conf.get(SwarmConf.BLOCK_SIZE);
    this.minBlockSize = (int) (long) conf.get(SwarmConf.MIN_BLOCK_SIZE);
    this.piecesPerExecutor = conf.get(SwarmConf.PIECES_PER_EXECUTOR);
    this.piecesAskedAtOnce = conf.get(SwarmConf.FETCH_MAX_FROM_DRIVER);
    this.sha256PerPiece = "sha256".equals(conf.get(SwarmConf.FILE_PIECE_DIGEST));
  }

  abstract FetchMode mode();

  abstract <T> Broadcast<T> create(
      long id, SwarmNode node, PieceLayout layout, boolean isLocal, T value);

  @Override
  public <T> Broadcast<T> newBroadcast(T value, boolean isLocal, long id) {
    DriverNode driver = driver("create a broadcast");
    if (isLocal) {
      driver.blockManager().putValue(id, value);
      return create(
          id,
          driver,
          new PieceLayout(0, new int[0], serializer.name(), codec.shortName()),
          true,
          value);
    }
    Serializer serializer =
        value instanceof byte[] ? bytesSerializer : this.serializer; // named in the handle
    Blockifier.Pieces pieces;
    CompressionCodec used;
    try {
      // Past the memory budget the serialized value goes to heap buffers, and its pieces to disk.
      ByteBufAllocator alloc =
          new OverflowToHeapAllocator(
              driver.blockManager().memory(), driver.blockManager().memoryRoom());
      Blockifier.Serialized serialized =
          Blockifier.serialize(value, serializer, codec, blockSize, alloc, true);
      used = serialized.codec();
      List<ByteBuf> blocks = serialized.blocks();
      // Only a swarm gains from small pieces: with the direct factory nobody forwards them.
      int sharers = mode() == FetchMode.SWARM ? Math.max(1, driver.executors().size()) : 1;
      long total = blocks.stream().mapToLong(ByteBuf::readableBytes).sum();
      Blockifier.Cut cut =
          mode() == FetchMode.SWARM
              ? Blockifier.Cut.swarm(
                  total, blockSize, minBlockSize, piecesPerExecutor, piecesAskedAtOnce, sharers)
              : Blockifier.Cut.whole(blockSize);
      pieces =
          Blockifier.split(blocks, blockSize, cut.pieceSize(), cut.firstPieceSize(), cut.perStep());
    } catch (IOException | RuntimeException e) {
      throw new BroadcastException(
          "cannot serialize the value of Broadcast("
              + id
              + ") with the "
              + serializer.name()
              + " serializer: "
              + e,
          e);
    }
    for (int i = 0; i < pieces.buffers().size(); i++) {
      driver.blockManager().putPiece(id, i, pieces.buffers().get(i));
    }
    driver.registerBroadcast(id, pieces.checksums().length, pieces.totalBytes(), mode());
    driver.blockManager().putValue(id, value);
    PieceLayout layout =
        new PieceLayout(
            pieces.totalBytes(), pieces.checksums(), serializer.name(), used.shortName());
    return create(id, driver, layout, false, value);
  }

  /**
   * Largest piece of a file broadcast to a swarm. A large file already has many pieces per executor
   * at blockSize, but smaller pieces still kept the driver's link busier: 4 GiB to 8 executors at
   * 200 Mbit/s ({@code bench --files --block-size}) took 1.47x size / bandwidth with 4 MiB pieces,
   * 1.34x with 1 MiB and 1.19x with 256 KiB.
   */
  static final int FILE_SWARM_PIECE_CAP = 256 << 10;

  /** Most pieces one broadcast may have (the wire protocol's bound on a bit set). */
  private static final long MAX_PIECES = 1 << 22;

  /**
   * A swarm file's piece size: the cut's, at most {@link #FILE_SWARM_PIECE_CAP} (unless
   * minBlockSize asks for more), and doubled while the file would have more than {@link
   * #MAX_PIECES} pieces (beyond 1 TiB).
   */
  static int filePieceSize(int cut, long minBlockSize, long length) {
    long size = Math.min(cut, Math.max(minBlockSize, FILE_SWARM_PIECE_CAP));
    while ((length + size - 1) / size > MAX_PIECES) {
      size *= 2;
    }
    return (int) size;
  }

  @Override
  public Broadcast<Path> newFileBroadcast(Path file, long id) {
    DriverNode driver = driver("broadcast a file");
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new BroadcastException(
          "cannot broadcast "
              + file
              + ": "
              + (Files.exists(file) ? "not a readable regular file" : "no such file"));
    }
    PieceFile source;
    try {
      long length = Files.size(file);
      int sharers = mode() == FetchMode.SWARM ? Math.max(1, driver.executors().size()) : 1;
      int pieceSize =
          mode() == FetchMode.SWARM
              ? filePieceSize(
                  Blockifier.Cut.swarm(
                          length,
                          blockSize,
                          minBlockSize,
                          piecesPerExecutor,
                          piecesAskedAtOnce,
                          sharers)
                      .pieceSize(),
                  minBlockSize,
                  length)
              : blockSize;
      source = PieceFile.streamedSource(id, file.toAbsolutePath(), pieceSize);
    } catch (IOException e) {
      throw new BroadcastException("cannot broadcast " + file + ": " + e, e);
    }
    // Returns now: the driver's reader checksums the pieces in order, and each is served as soon as
    // it is checksummed (see DriverNode.broadcastStreamedFile), so the first piece is on the wire
    // long before the last is read, and none leaves the driver unchecked.
    try {
      driver.broadcastStreamedFile(id, source, sha256PerPiece, mode());
    } catch (IOException | RuntimeException e) {
      driver.blockManager().removeBroadcast(id);
      source.close();
      throw new BroadcastException("cannot broadcast " + file + ": " + e.getMessage(), e);
    }
    FileBroadcast b =
        new FileBroadcast(
            id, driver, source.length(), source.path(), source.pieceSize(), sha256PerPiece, mode());
    driver.blockManager().putValue(id, source.path());
    return b;
  }

  @Override
  public void unbroadcast(long id, boolean removeFromDriver, boolean blocking) {
    try {
      driver("unbroadcast").removeBroadcast(id, removeFromDriver, blocking, CallSite.capture());
    } catch (NodeException e) {
      throw new BroadcastException(e.getMessage(), e);
    }
  }

  private DriverNode driver(String action) {
    SwarmNode n = node;
    if (n == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " is not initialized");
    }
    if (n instanceof DriverNode d) {
      return d;
    }
    throw new BroadcastException("cannot " + action + " on an executor; only the driver can");
  }

  @Override
  public void stop() {
    node = null;
  }
}
