package io.swarmcast.swarm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Values by an {@code int} id (an executor's), in the order they were added, so that iteration, and
 * with it every random tie-break that follows it, is deterministic. A fetch's peers ({@link
 * PeerTable}) and a simulated executor's known holders are looked up here on every {@code Have}:
 * open addressing on an {@code int[]} instead of a {@code LinkedHashMap<Integer, V>}, whose boxed
 * keys and nodes were the better part of a notice's cost in a simulation of thousands of executors.
 * Removal (a ban) is rare and linear in the values. Not thread-safe.
 *
 * @param <V> what an id stands for
 */
public final class IdIndex<V> {
  private static final byte FREE = 0;
  private static final byte USED = 1;
  private static final byte REMOVED = 2;

  private int[] ids = new int[32];
  private byte[] states = new byte[32];
  private Object[] slots = new Object[32];

  /** Slots not FREE: used or removed, which a probe must pass over. */
  private int taken;

  private final List<V> inOrder = new ArrayList<>();
  private final List<V> view = Collections.unmodifiableList(inOrder);

  /** The value for {@code id}; null if none. */
  @SuppressWarnings("unchecked")
  public V get(int id) {
    int mask = ids.length - 1;
    for (int i = mix(id) & mask; states[i] != FREE; i = (i + 1) & mask) {
      if (states[i] == USED && ids[i] == id) {
        return (V) slots[i];
      }
    }
    return null;
  }

  /** Adds {@code value} for {@code id}, which must not be here yet. */
  public void add(int id, V value) {
    if ((taken + 1) * 2 > ids.length) {
      rehash(inOrder.size() * 4 >= ids.length ? ids.length * 2 : ids.length);
    }
    place(id, value);
    inOrder.add(value);
  }

  /** Removes and returns the value for {@code id}; null if none. */
  @SuppressWarnings("unchecked")
  public V remove(int id) {
    int mask = ids.length - 1;
    for (int i = mix(id) & mask; states[i] != FREE; i = (i + 1) & mask) {
      if (states[i] == USED && ids[i] == id) {
        V v = (V) slots[i];
        states[i] = REMOVED;
        slots[i] = null;
        inOrder.remove(v);
        return v;
      }
    }
    return null;
  }

  public int size() {
    return inOrder.size();
  }

  /** The values in the order they were added; a read-only view. */
  public List<V> values() {
    return view;
  }

  private void place(int id, Object value) {
    int mask = ids.length - 1;
    int i = mix(id) & mask;
    while (states[i] != FREE) {
      i = (i + 1) & mask;
    }
    ids[i] = id;
    states[i] = USED;
    slots[i] = value;
    taken++;
  }

  private void rehash(int capacity) {
    int[] oldIds = ids;
    byte[] oldStates = states;
    Object[] oldSlots = slots;
    ids = new int[capacity];
    states = new byte[capacity];
    slots = new Object[capacity];
    taken = 0;
    for (int k = 0; k < oldIds.length; k++) {
      if (oldStates[k] == USED) {
        place(oldIds[k], oldSlots[k]);
      }
    }
  }

  private static int mix(int id) {
    int h = id * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
