package io.swarmcast;

import java.util.BitSet;
import java.util.SplittableRandom;

/** Values the core's tests build again and again. */
public final class TestData {
  private TestData() {}

  /** A bit set with exactly {@code indices} set. */
  public static BitSet bits(int... indices) {
    BitSet b = new BitSet();
    for (int i : indices) {
      b.set(i);
    }
    return b;
  }

  /** {@code n} random, incompressible bytes, the same for the same {@code seed}. */
  public static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }
}
