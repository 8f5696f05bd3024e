package io.swarmcast.sim;

import io.swarmcast.conf.SwarmConf;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What one simulation runs: how many executors, how large a broadcast, the links, and the faults.
 *
 * @param executors executors registered when the broadcast starts (late joiners come on top of
 *     none: they are a fraction of these that join later)
 * @param sizeBytes the broadcast's serialized size
 * @param rateBitsPerSecond every link's rate, each way (the driver's too, unless {@code
 *     driverRateBitsPerSecond})
 * @param driverRateBitsPerSecond the driver's link, each way; 0 for {@code rateBitsPerSecond}
 * @param latencyNanos one-way latency from each host to the switch (a path crosses two)
 * @param efficiency the share of a link's rate that a transfer's payload gets (TCP/IP headers, and
 *     what one TCP flow reaches on a shaped link); calibrated on one executor
 * @param socketWindowBytes unsent bytes of a connection at which a write of a piece completes (what
 *     TCP keeps in flight plus {@code TCP_NOTSENT_LOWAT}); 0 for {@link #defaultSocketWindow}
 * @param sharedWindow whether a host's connections share one window's worth in flight (each gets
 *     {@code TCP_NOTSENT_LOWAT} plus its share of the rest) instead of a window each
 * @param slowFraction the share of executors whose link is {@code slowFactor} times slower
 * @param slowFactor how much slower those links are
 * @param killFraction the share of executors that die at {@code killAtRatio} × size÷bandwidth
 * @param killAtRatio when they die
 * @param lateFraction the share of executors that join at {@code lateAtRatio} × size÷bandwidth
 * @param lateAtRatio when they join
 * @param driverDiesWhenSeeded the driver's process ends once every piece is held by some executor
 * @param stripes 0 for the mesh (the nodes' design); K > 0 for {@code K} stripe trees ({@code
 *     StripeParents}, {@code Tracker#stripeParents}), the design under evaluation, which real nodes
 *     do not speak yet
 * @param slowDeclared with stripe trees, slow executors say so when they register and are leaves of
 *     every tree ({@code Tracker#leafOnly})
 * @param conf the nodes' configuration: piece sizes, fetch limits, upload slots, timeouts
 * @param seed every random choice (the schedulers', the tracker's, who is slow or dies) follows
 *     from it
 */
public record Scenario(
    int executors,
    long sizeBytes,
    double rateBitsPerSecond,
    double driverRateBitsPerSecond,
    long latencyNanos,
    double efficiency,
    long socketWindowBytes,
    boolean sharedWindow,
    double slowFraction,
    double slowFactor,
    double killFraction,
    double killAtRatio,
    double lateFraction,
    double lateAtRatio,
    boolean driverDiesWhenSeeded,
    int stripes,
    boolean slowDeclared,
    SwarmConf conf,
    long seed) {
  /**
   * One TCP flow's payload on an HTB-shaped veth here: 1 executor, 128 MiB at 100 Mbit/s took
   * 1.048x size÷bandwidth.
   */
  public static final double DEFAULT_EFFICIENCY = 0.955;

  /**
   * Acknowledgement bytes per data byte: a 66-byte ACK (Ethernet, IP and TCP with timestamps) for
   * every two 1,514-byte segments, as Linux acknowledges a bulk transfer.
   */
  public static final double ACK_SHARE = 66.0 / (2 * 1514);

  /** veth pair and bridge, one way. */
  public static final long DEFAULT_LATENCY_NANOS = 50_000;

  public Scenario {
    Objects.requireNonNull(conf, "conf");
    check(executors >= 1, "executors must be at least 1: " + executors);
    check(sizeBytes >= 1, "size must be at least 1 byte: " + sizeBytes);
    check(rateBitsPerSecond > 0, "rate must be positive: " + rateBitsPerSecond);
    check(
        driverRateBitsPerSecond >= 0,
        "driver rate must not be negative: " + driverRateBitsPerSecond);
    check(latencyNanos >= 0, "latency must not be negative: " + latencyNanos);
    check(socketWindowBytes >= 0, "socket window must not be negative: " + socketWindowBytes);
    check(efficiency > 0 && efficiency <= 1, "efficiency must be in (0, 1]: " + efficiency);
    check(
        fraction(slowFraction) && fraction(killFraction) && fraction(lateFraction),
        "fractions must be in [0, 1]: slow "
            + slowFraction
            + ", kill "
            + killFraction
            + ", late "
            + lateFraction);
    check(stripes >= 0 && stripes <= 8, "stripes must be 0 to 8: " + stripes);
    check(slowFactor >= 1, "slow factor must be at least 1: " + slowFactor);
    check(
        killAtRatio >= 0 && lateAtRatio >= 0,
        "times must not be negative: " + killAtRatio + ", " + lateAtRatio);
  }

  /**
   * {@code executors} executors, {@code sizeBytes} at {@code rateBitsPerSecond}, defaults for the
   * rest, no faults.
   */
  public static Scenario of(int executors, long sizeBytes, double rateBitsPerSecond) {
    return new Scenario(
        executors,
        sizeBytes,
        rateBitsPerSecond,
        0,
        DEFAULT_LATENCY_NANOS,
        DEFAULT_EFFICIENCY,
        0,
        false,
        0,
        10,
        0,
        0.5,
        0,
        0.5,
        false,
        0,
        false,
        new SwarmConf(),
        1);
  }

  public Scenario withSeed(long s) {
    return with(b -> b.seed = s);
  }

  public Scenario withSlow(double fraction, double factor) {
    return with(
        b -> {
          b.slowFraction = fraction;
          b.slowFactor = factor;
        });
  }

  public Scenario withKills(double fraction, double atRatio) {
    return with(
        b -> {
          b.killFraction = fraction;
          b.killAtRatio = atRatio;
        });
  }

  public Scenario withLateJoiners(double fraction, double atRatio) {
    return with(
        b -> {
          b.lateFraction = fraction;
          b.lateAtRatio = atRatio;
        });
  }

  public Scenario withDriverRate(double bitsPerSecond) {
    return with(b -> b.driverRateBitsPerSecond = bitsPerSecond);
  }

  public Scenario withLatency(long nanos) {
    return with(b -> b.latencyNanos = nanos);
  }

  public Scenario withEfficiency(double e) {
    return with(b -> b.efficiency = e);
  }

  public Scenario withDriverDyingWhenSeeded(boolean dies) {
    return with(b -> b.driverDiesWhenSeeded = dies);
  }

  public Scenario withSocketWindow(long bytes) {
    return with(b -> b.socketWindowBytes = bytes);
  }

  public Scenario withSharedWindow(boolean shared) {
    return with(b -> b.sharedWindow = shared);
  }

  public Scenario withStripes(int k) {
    return with(b -> b.stripes = k);
  }

  public Scenario withSlowDeclared(boolean declared) {
    return with(b -> b.slowDeclared = declared);
  }

  public Scenario withConf(SwarmConf c) {
    return with(b -> b.conf = c);
  }

  /** This scenario with what {@code change} sets, checked again by the constructor. */
  private Scenario with(Consumer<Copy> change) {
    Copy b = new Copy(this);
    change.accept(b);
    return b.build();
  }

  /**
   * A scenario's fields, to change a few and build a new one: the one place that lists them all.
   */
  private static final class Copy {
    int executors;
    long sizeBytes;
    double rateBitsPerSecond;
    double driverRateBitsPerSecond;
    long latencyNanos;
    double efficiency;
    long socketWindowBytes;
    boolean sharedWindow;
    double slowFraction;
    double slowFactor;
    double killFraction;
    double killAtRatio;
    double lateFraction;
    double lateAtRatio;
    boolean driverDiesWhenSeeded;
    int stripes;
    boolean slowDeclared;
    SwarmConf conf;
    long seed;

    Copy(Scenario s) {
      executors = s.executors;
      sizeBytes = s.sizeBytes;
      rateBitsPerSecond = s.rateBitsPerSecond;
      driverRateBitsPerSecond = s.driverRateBitsPerSecond;
      latencyNanos = s.latencyNanos;
      efficiency = s.efficiency;
      socketWindowBytes = s.socketWindowBytes;
      sharedWindow = s.sharedWindow;
      slowFraction = s.slowFraction;
      slowFactor = s.slowFactor;
      killFraction = s.killFraction;
      killAtRatio = s.killAtRatio;
      lateFraction = s.lateFraction;
      lateAtRatio = s.lateAtRatio;
      driverDiesWhenSeeded = s.driverDiesWhenSeeded;
      stripes = s.stripes;
      slowDeclared = s.slowDeclared;
      conf = s.conf;
      seed = s.seed;
    }

    Scenario build() {
      return new Scenario(
          executors,
          sizeBytes,
          rateBitsPerSecond,
          driverRateBitsPerSecond,
          latencyNanos,
          efficiency,
          socketWindowBytes,
          sharedWindow,
          slowFraction,
          slowFactor,
          killFraction,
          killAtRatio,
          lateFraction,
          lateAtRatio,
          driverDiesWhenSeeded,
          stripes,
          slowDeclared,
          conf,
          seed);
    }
  }

  /** size ÷ bandwidth at the nominal rate, in seconds: the time one copy needs on one link. */
  public double idealSeconds() {
    return sizeBytes * 8.0 / rateBitsPerSecond;
  }

  /**
   * The default socket window: {@code TCP_NOTSENT_LOWAT} (64 KiB) plus what TCP keeps in flight,
   * the path's bandwidth × round trip (two hops each way) but at least 128 KiB, which a congestion
   * window reaches within a few round trips. (The emulated cluster's queues would let it grow to 20
   * ms of its rate; 128 KiB and more gave the same results there.)
   */
  public static long defaultSocketWindow(double rateBitsPerSecond, long latencyNanos) {
    long bdp = (long) (rateBitsPerSecond / 8 * 4 * latencyNanos / 1e9);
    return (64 << 10) + Math.max(128 << 10, bdp);
  }

  long socketWindow() {
    return socketWindowBytes > 0
        ? socketWindowBytes
        : defaultSocketWindow(rateBitsPerSecond, latencyNanos);
  }

  double driverRate() {
    return driverRateBitsPerSecond > 0 ? driverRateBitsPerSecond : rateBitsPerSecond;
  }

  private static boolean fraction(double f) {
    return f >= 0 && f <= 1;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
