package io.swarmcast.node;

import io.netty.buffer.ByteBuf;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.Busy;
import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.FetchPiece;
import io.swarmcast.protocol.PieceData;
import io.swarmcast.storage.BlockManager;
import io.swarmcast.swarm.FetchMode;
import io.swarmcast.swarm.TransferStats;
import io.swarmcast.transport.Connection;
import io.swarmcast.transport.TransportContext;
import java.util.concurrent.CompletableFuture;

/**
 * A process's membership in one Swarmcast cluster: its {@link BlockManager}, its block server and
 * its transfer counters. The driver's node also runs the tracker ({@link DriverNode}); an executor's
 * node fetches pieces from the swarm ({@link ExecutorNode}).
 *
 * <p>Thread-safe. Closing a node stops its server, its connections and frees its pieces.
 */
public abstract sealed class SwarmNode implements AutoCloseable permits DriverNode, ExecutorNode {
  /** Pieces a node queues for one connection before it answers "busy": bounds memory a peer can pin. */
  static final int MAX_PIECES_QUEUED_PER_CONNECTION = 64;

  final SwarmConf conf;
  final TransportContext transport;
  final BlockManager blocks;
  final TransferStats stats = new TransferStats();

  SwarmNode(SwarmConf conf, TransportContext transport, BlockManager blocks) {
    this.conf = conf;
    this.transport = transport;
    this.blocks = blocks;
  }

  public abstract boolean isDriver();

  /** The driver this node belongs to (for the driver, itself). */
  public abstract Endpoint driverEndpoint();

  /** Where this node serves pieces. */
  public abstract Endpoint endpoint();

  /**
   * Makes sure every piece of a broadcast is in this node's block manager, fetching what is missing.
   * Completes at once on the driver, which holds every piece of its broadcasts.
   */
  public abstract CompletableFuture<Void> fetch(long broadcastId, int[] checksums, FetchMode mode);

  public BlockManager blockManager() {
    return blocks;
  }

  public TransferStats stats() {
    return stats;
  }

  public SwarmConf conf() {
    return conf;
  }

  /** Why this node cannot serve a piece, for the requester. */
  abstract String whyMissing(long broadcastId, int piece);

  /** Whether {@code from} already has as many pieces queued as a connection may. */
  static boolean isBusy(Connection from) {
    return from.piecesBeingSent() >= MAX_PIECES_QUEUED_PER_CONNECTION;
  }

  /** Answers a piece request from the block manager, zero-copy. */
  final void servePiece(Connection from, FetchPiece request) {
    if (isBusy(from)) {
      from.send(new Busy(request.requestId()));
      return;
    }
    ByteBuf piece = blocks.getPiece(request.broadcastId(), request.piece());
    if (piece == null) {
      from.send(new Failure(request.requestId(), whyMissing(request.broadcastId(), request.piece())));
      return;
    }
    stats.served(request.broadcastId(), piece.readableBytes());
    from.send(new PieceData(request.requestId(), request.broadcastId(), request.piece(), piece));
  }

  @Override
  public abstract void close();
}
