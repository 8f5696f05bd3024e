package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A fetch's known peers by executor id, in the order they became known (iteration, and with it
 * every random tie-break, is deterministic). Every {@code Have} looks its sender up here: open
 * addressing on an {@code int[]} instead of a {@code LinkedHashMap<Integer, Peer>}, whose boxed
 * keys and nodes were the better part of a notice's cost in a simulation of thousands of executors.
 * Removal (a ban) is rare and linear in the peers. Not thread-safe, like the table that owns it.
 */
final class PeerIndex {
  private static final byte FREE = 0;
  private static final byte USED = 1;
  private static final byte REMOVED = 2;

  private int[] ids = new int[32];
  private byte[] states = new byte[32];
  private PeerTable.Peer[] slots = new PeerTable.Peer[32];

  /** Slots not FREE: used or removed, which a probe must pass over. */
  private int taken;

  private final List<PeerTable.Peer> inOrder = new ArrayList<>();
  private final List<PeerTable.Peer> view = Collections.unmodifiableList(inOrder);

  /** The peer with {@code id}; null if none. */
  PeerTable.Peer get(int id) {
    int mask = ids.length - 1;
    for (int i = mix(id) & mask; states[i] != FREE; i = (i + 1) & mask) {
      if (states[i] == USED && ids[i] == id) {
        return slots[i];
      }
    }
    return null;
  }

  /** Adds {@code p}, whose id must not be here. */
  void add(PeerTable.Peer p) {
    if ((taken + 1) * 2 > ids.length) {
      rehash(inOrder.size() * 4 >= ids.length ? ids.length * 2 : ids.length);
    }
    int mask = ids.length - 1;
    int i = mix(p.address.id()) & mask;
    while (states[i] != FREE) {
      i = (i + 1) & mask;
    }
    ids[i] = p.address.id();
    states[i] = USED;
    slots[i] = p;
    taken++;
    inOrder.add(p);
  }

  /** Removes and returns the peer with {@code id}; null if none. */
  PeerTable.Peer remove(int id) {
    int mask = ids.length - 1;
    for (int i = mix(id) & mask; states[i] != FREE; i = (i + 1) & mask) {
      if (states[i] == USED && ids[i] == id) {
        PeerTable.Peer p = slots[i];
        states[i] = REMOVED;
        slots[i] = null;
        inOrder.remove(p);
        return p;
      }
    }
    return null;
  }

  int size() {
    return inOrder.size();
  }

  /** The peers in the order they became known; a read-only view. */
  List<PeerTable.Peer> values() {
    return view;
  }

  private void rehash(int capacity) {
    ids = new int[capacity];
    states = new byte[capacity];
    slots = new PeerTable.Peer[capacity];
    taken = 0;
    List<PeerTable.Peer> peers = new ArrayList<>(inOrder);
    inOrder.clear();
    for (PeerTable.Peer p : peers) {
      add(p);
    }
  }

  private static int mix(int id) {
    int h = id * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
