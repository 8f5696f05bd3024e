package io.swarmcast.swarm;

import java.util.BitSet;

/** What a location answer says of one peer: which pieces of the broadcast it holds. */
public record PeerPieces(PeerAddress peer, BitSet pieces) {}
