package io.swarmcast.tracker;

import java.util.BitSet;
import java.util.Map;

/**
 * A copy of what the tracker knows of one broadcast at one moment, for the people watching it (the
 * swarm page, {@code status}): which executor holds which piece, and which of those pieces the
 * driver pushed to it (its "any piece" answers; the rest came from peers, or from the driver by
 * name once peers had failed).
 *
 * @param broadcastId the broadcast
 * @param pieceCount its pieces
 * @param seeded whether every piece is on some registered executor
 * @param held the pieces of each executor asked about that is registered
 * @param pushedByDriver the pieces the driver chose to send to each of them
 */
public record BroadcastPieces(
    long broadcastId,
    int pieceCount,
    boolean seeded,
    Map<Integer, BitSet> held,
    Map<Integer, BitSet> pushedByDriver) {}
