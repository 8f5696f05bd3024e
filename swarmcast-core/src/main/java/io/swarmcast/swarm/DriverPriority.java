package io.swarmcast.swarm;

/**
 * How many peers an executor fetches from at once while the driver still has pieces no peer it
 * knows holds: as many as it likes, unless fewer let the driver's pieces come faster.
 *
 * <p>Why: when the driver can send faster than this executor's download link takes, every peer
 * fetched from at the same time takes a share of that link from the driver (TCP shares a bottleneck
 * per connection), so the driver's pieces leave it more slowly, and the moment every piece is on
 * some executor (the swarm is seeded: the driver could go, or die, and lose nothing) comes later,
 * for no gain, since the link was full either way. On the emulated cluster, a driver at 400 Mbit/s
 * and 3 executors at 50, each executor's link was shared by the driver and two peers, the driver
 * got a third of it, and the swarm was seeded only at 2.9× the time the executors' links allow.
 * Where the driver's own link is the bottleneck (one driver, many executors at its rate: the usual
 * case), fewer peers would not speed the driver up, and peers must fill the rest.
 *
 * <p>How: by experiment, one peer at a time. The driver's rate is measured over {@link #SAMPLE} of
 * its pieces (their bytes over the time between the first and the last arrival) and compared with
 * everything that arrived meanwhile. When the driver gets about its per-connection share of it
 * ({@link #AT_SHARE} × total ÷ (busy peers + 1) or more) in two samples in a row, this executor's
 * link may be what holds it back: the limit becomes one peer fewer than are busy. The try's samples
 * ({@link #STEP_SAMPLE} pieces: a failed try costs, so they are short) begin once the peers let go
 * of have no request out. If the driver is then {@link #FASTER} times as fast, it was held back:
 * one peer fewer again, down to none; once a step gains nothing more, the limit stays where it is.
 * If the first step gains nothing, the limit is lifted; the next try waits twice as long as the
 * last, and comes only once the driver's rate has changed by that factor (with executors at the
 * driver's rate it never speeds up, and a try every few samples cost 4 % at 2 executors,
 * simulated). With a limit in place, a driver that slows to {@link #SLOWER} of its best (more
 * executors share it now) lifts it.
 *
 * <p>Measured, driver 400 Mbit/s and 3 executors at 50, 64 MiB: simulated (seeds 1–3), seeded at
 * 0.40 × size ÷ bandwidth (was 1.06) and done at 1.10 (was 1.07); emulated, as users run it, seeded
 * at 1.15–1.16 × the ideal (was 2.9 ×), done at 1.12–1.14 (was 1.06–1.08). 2 to 32 executors at one
 * rate, simulated: within 1.1 % of before. Not thread-safe: part of a {@link FetchScheduler}.
 */
final class DriverPriority {
  /** The driver's pieces per rate sample (the first arrival starts the clock). */
  static final int SAMPLE = 5;

  /** The driver's pieces per rate sample while trying fewer peers: short, a failed try costs. */
  static final int STEP_SAMPLE = 3;

  /** The driver's share of the arrivals, × 1 ÷ (busy peers + 1), that makes a try worth it. */
  static final double AT_SHARE = 0.8;

  /** How much faster the driver must become with one peer fewer for the next step. */
  static final double FASTER = 1.2;

  /** How much slower a driver alone may become before peers are let in again. */
  static final double SLOWER = 0.7;

  /** The first wait after a failed try, in samples of the time the last one took; doubles. */
  static final int FIRST_BACKOFF_SAMPLES = 4;

  static final int MAX_BACKOFF_SAMPLES = 64;

  /** No limit. */
  static final int UNLIMITED = Integer.MAX_VALUE;

  private final long[] driverAt = new long[SAMPLE];
  private final int[] driverBytes = new int[SAMPLE];
  private int driverArrivals; // since the last reset

  /** Bytes from anyone, and the sum of busy peers at each arrival, since the sample began. */
  private long totalBytes;

  private long busySum;
  private int arrivals;

  private int limit = UNLIMITED;

  /** The driver's rate in the last sample, bytes per nanosecond. */
  private double lastRate;

  /** Once settled on a limit: the best rate the driver reached with it; 0 while trying or free. */
  private double settledBest;

  /** The limit a try began with. */
  private int firstLimit;

  private long nextTryAt = Long.MIN_VALUE;

  /** The driver's rate when the current try began, and when the last one failed (0: none). */
  private double triedAtRate;

  private double failedAtRate;

  /** Samples in a row in which the driver got about its per-connection share. */
  private int atShareSamples;

  /** How long the last sample with no limit took: the unit of the wait after a failed try. */
  private long sharedSpan;

  private int backoffSamples = FIRST_BACKOFF_SAMPLES;

  /** How many distinct peers may have requests outstanding: {@link #UNLIMITED} if no limit. */
  int peerLimit() {
    return limit;
  }

  /**
   * A piece of {@code size} bytes arrived at {@code now}, from the driver or a peer, while {@code
   * busyPeers} distinct peers had requests outstanding.
   */
  void arrived(long now, int size, boolean fromDriver, int busyPeers) {
    if (size <= 0) {
      return; // sizes unknown (a test driving the scheduler): no rates, no decisions
    }
    if (limit != UNLIMITED && busyPeers > limit) {
      reset(); // the peers let go of still have requests out: the try's sample starts after them
      return;
    }
    if (driverArrivals > 0) { // the sample's clock runs from its first driver piece
      totalBytes += size;
      busySum += busyPeers;
      arrivals++;
    }
    if (!fromDriver) {
      return;
    }
    int i = driverArrivals;
    driverAt[i] = now;
    driverBytes[i] = size;
    driverArrivals++;
    if (driverArrivals == (limit == UNLIMITED ? SAMPLE : STEP_SAMPLE)) {
      sample(now);
    }
  }

  /** The driver has nothing more for us, is busy or gone: nothing to make room for. */
  void driverUnavailable() {
    if (limit != UNLIMITED) {
      lift(0, 0);
    }
  }

  private void sample(long now) {
    long span = now - driverAt[0];
    long bytes = 0;
    for (int k = 1; k < driverArrivals; k++) {
      bytes += driverBytes[k];
    }
    double rate = span > 0 ? (double) bytes / span : 0;
    double share = totalBytes > 0 ? (double) bytes / totalBytes : 0;
    double busy = arrivals > 0 ? (double) busySum / arrivals : 0;
    reset();
    if (rate <= 0) {
      return;
    }
    if (limit == UNLIMITED) {
      sharedSpan = span;
      boolean changed =
          failedAtRate == 0 || rate > FASTER * failedAtRate || rate * FASTER < failedAtRate;
      boolean atItsShare = busy >= 0.5 && share >= AT_SHARE / (busy + 1);
      atShareSamples = atItsShare ? atShareSamples + 1 : 0;
      // Twice in a row: a single sample may be the start, while peers are still coming in.
      if (now >= nextTryAt && changed && atShareSamples >= 2) {
        limit = Math.max(0, (int) Math.ceil(busy) - 1);
        firstLimit = limit;
        triedAtRate = rate;
      }
    } else if (settledBest == 0) { // trying
      if (rate >= FASTER * lastRate) {
        if (limit == 0) {
          settle(rate);
        } else {
          limit--;
        }
      } else if (limit < firstLimit) {
        // No faster than with one peer more, which was faster than before: stay here (the driver
        // already fills the link; a peer fewer costs nothing more).
        settle(Math.max(rate, lastRate));
      } else {
        failedAtRate = triedAtRate; // not again while the driver's rate stays what it was
        lift(now, span);
      }
    } else { // settled
      settledBest = Math.max(settledBest, rate);
      if (rate < SLOWER * settledBest) {
        lift(now, span);
      }
    }
    lastRate = rate;
  }

  private void settle(double rate) {
    settledBest = rate;
    backoffSamples = FIRST_BACKOFF_SAMPLES;
  }

  private void lift(long now, long span) {
    limit = UNLIMITED;
    settledBest = 0;
    nextTryAt = now + backoffSamples * Math.max(span, sharedSpan);
    backoffSamples = Math.min(MAX_BACKOFF_SAMPLES, 2 * backoffSamples);
    reset();
  }

  private void reset() {
    driverArrivals = 0;
    totalBytes = 0;
    busySum = 0;
    arrivals = 0;
  }
}
