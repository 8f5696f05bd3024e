package io.swarmcast.sim;

import io.swarmcast.broadcast.internal.Blockifier;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.protocol.ExecutorRegistered;
import io.swarmcast.protocol.Message;
import io.swarmcast.protocol.RegisterExecutor;
import io.swarmcast.swarm.FetchLimits;
import io.swarmcast.swarm.FetchPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleConsumer;

/**
 * One broadcast from a driver to a swarm of executors, simulated: the nodes' own scheduler, tracker
 * and upload policy ({@link SimDriver}, {@link SimExecutor}) over a modelled network ({@link
 * FlowNetwork}), in virtual time ({@link EventLoop}). The broadcast is cut as a real driver cuts it
 * with this many executors registered ({@link Blockifier.Cut#swarm}), and every executor starts
 * fetching at time 0, as when the driver ships the handle to all of them at once; late joiners
 * start later.
 *
 * <p>It models a broadcast in steady state: a JVM's first broadcast (JIT compilation, fresh memory)
 * is not in it, so it is compared with the bench's later broadcasts.
 */
public final class Simulation {
  final EventLoop loop = new EventLoop();
  final FlowNetwork network;
  final SimDriver driver;
  private final Scenario scenario;
  private final int[] pieceSizes;
  private final List<SimExecutor> executors = new ArrayList<>();
  private final Map<Integer, SimExecutor> byId = new HashMap<>();
  private final FetchLimits limits;
  private final SwarmConf conf;
  private final TimeSeries driverLink = new TimeSeries();
  private final SwarmProgress swarmProgress = new SwarmProgress();
  private long piecesStored;
  private long piecesWanted;
  private int ended;
  private int expected;
  private long seededAt = -1;
  private DoubleConsumer progress = f -> {};

  public Simulation(Scenario scenario) {
    this.scenario = scenario;
    this.conf = scenario.conf();
    this.network =
        new FlowNetwork(loop, scenario.socketWindow(), scenario.sharedWindow(), Scenario.ACK_SHARE);
    int n = scenario.executors();
    Blockifier.Cut cut =
        Blockifier.Cut.swarm(
            scenario.sizeBytes(),
            (int) (long) conf.get(SwarmConf.BLOCK_SIZE),
            (int) (long) conf.get(SwarmConf.MIN_BLOCK_SIZE),
            conf.get(SwarmConf.PIECES_PER_EXECUTOR),
            conf.get(SwarmConf.FETCH_MAX_FROM_DRIVER),
            n);
    this.pieceSizes =
        Blockifier.pieceSizes(
            scenario.sizeBytes(),
            (int) (long) conf.get(SwarmConf.BLOCK_SIZE),
            cut.pieceSize(),
            cut.firstPieceSize(),
            cut.perStep());
    this.limits =
        new FetchLimits(
            conf.get(SwarmConf.FETCH_MAX_IN_FLIGHT),
            conf.get(SwarmConf.FETCH_MAX_PER_PEER),
            conf.get(SwarmConf.FETCH_MAX_FROM_DRIVER),
            conf.get(SwarmConf.FETCH_MAX_BAD_PIECES));
    double driverBytes = scenario.driverRate() * scenario.efficiency() / 8;
    FlowNetwork.Host driverHost =
        network.addHost(driverBytes, driverBytes, scenario.latencyNanos());
    this.driver =
        new SimDriver(
            this,
            driverHost,
            pieceSizes,
            conf.get(SwarmConf.UPLOAD_SLOTS),
            conf.get(SwarmConf.DRIVER_MAX_PIECES_IN_FLIGHT),
            scenario.seed(),
            conf.get(SwarmConf.DRIVER_SPARE_COPIES),
            conf.get(SwarmConf.TRACKER_NEIGHBOURS));
    Random chance = new Random(scenario.seed());
    int slow = (int) Math.round(n * scenario.slowFraction());
    for (int i = 0; i < n; i++) {
      boolean isSlow = i < slow;
      double bytes =
          scenario.rateBitsPerSecond()
              * scenario.efficiency()
              / 8
              / (isSlow ? scenario.slowFactor() : 1);
      FlowNetwork.Host h = network.addHost(bytes, bytes, scenario.latencyNanos());
      String name = "10." + (1 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
      executors.add(
          new SimExecutor(
              this,
              h,
              name,
              7078,
              isSlow,
              conf.get(SwarmConf.UPLOAD_SLOTS),
              conf.get(SwarmConf.UPLOAD_MAX_WAITING),
              scenario.driverDiesWhenSeeded() || conf.get(SwarmConf.TRACKER_NEIGHBOURS) > 0,
              new Random(scenario.seed() * 1_000_003L + 7919L * i)));
    }
    Collections.shuffle(executors, chance); // who is slow, late or dies is not who joined first
  }

  /** Reports the share of all pieces stored so far, from 0 to 1, as the run goes. */
  public Simulation onProgress(DoubleConsumer listener) {
    this.progress = listener;
    return this;
  }

  /**
   * Runs the broadcast to its end (every executor done, failed or dead) or to 1,000 ×
   * size÷bandwidth.
   */
  public SimResult run() {
    long wall0 = System.nanoTime();
    double ideal = scenario.idealSeconds();
    int n = executors.size();
    int late = (int) Math.round(n * scenario.lateFraction());
    int killed = (int) Math.round(n * scenario.killFraction());
    expected = n;
    piecesWanted = (long) n * pieceSizes.length;
    List<SimExecutor> onTime = executors.subList(0, n - late);
    for (SimExecutor e : onTime) {
      join(e);
    }
    long lateAt = seconds(scenario.lateAtRatio() * ideal);
    for (SimExecutor e : executors.subList(n - late, n)) {
      loop.at(
          lateAt,
          () -> {
            if (!driver.host.alive) {
              // No driver to join: a real executor would wait for one; here it is counted as
              // failed.
              e.failure = new IllegalStateException("no driver to join");
              executorEnded(e);
              return;
            }
            join(e);
          });
    }
    // Those that die are among the on-time ones, so that a death takes pieces away from the swarm,
    // and drawn apart from the join order: the first in the list register first and get the lowest
    // ids, which in stripe trees are the roots and the nodes under them (the mesh does not care).
    List<SimExecutor> drawn = new ArrayList<>(onTime);
    Collections.shuffle(drawn, new Random(scenario.seed() * 1_000_033L + 17));
    List<SimExecutor> victims = new ArrayList<>(drawn.subList(0, Math.min(killed, drawn.size())));
    long killAt = seconds(scenario.killAtRatio() * ideal);
    for (SimExecutor v : victims) {
      loop.at(killAt, () -> kill(v));
    }
    long step = Math.max(1, seconds(ideal / 200));
    sample(step);
    loop.run(seconds(1000 * ideal));
    return SimResult.of(
        scenario,
        pieceSizes,
        executors,
        driver,
        network,
        driverLink,
        swarmProgress,
        seededAt,
        loop.executed(),
        (System.nanoTime() - wall0) / 1e9);
  }

  /**
   * An executor registers with the driver, as a real one does ({@code RegisterExecutor}, answered
   * by {@code ExecutorRegistered}), and starts fetching once the answer is back: the answers are on
   * the driver's link too, once per executor ({@link SimDriver#joinBytes}).
   */
  private void join(SimExecutor e) {
    network.connect(e.host, driver.host);
    network.control(
        e.host,
        driver.host,
        Frames.of(new RegisterExecutor(1, Message.PROTOCOL_VERSION, e.hostName, e.port)),
        () -> {
          e.id = driver.register(e.hostName, e.port);
          if (e.slow && scenario.stripes() > 0 && scenario.slowDeclared()) {
            driver.leafOnly(e.id); // it said its link is slow: a leaf of every stripe tree
          }
          byId.put(e.id, e);
          int bytes = Frames.of(new ExecutorRegistered(1, e.id, 1));
          driver.joinBytes += bytes;
          network.control(
              driver.host,
              e.host,
              bytes,
              () -> {
                e.start(policy(e));
                if (!driver.host.alive) {
                  e.onDriverLost(); // it died with the answer on its way: the executor sees it
                  // close
                }
              });
        },
        () -> {
          // The driver was gone before the registration reached it: a real executor would wait for
          // one; here it is counted as failed, as a late joiner without a driver is.
          e.failure = new IllegalStateException("no driver to join");
          executorEnded(e);
        });
  }

  private FetchPolicy policy(SimExecutor e) {
    return FetchPolicy.standard(
            limits,
            conf.get(SwarmConf.FETCH_PEER_TIMEOUT),
            new Random(scenario.seed() * 1_000_003L + e.id))
        .withNeighbours(conf.get(SwarmConf.TRACKER_NEIGHBOURS));
  }

  private void kill(SimExecutor e) {
    if (e.isDone() || e.failure != null || !e.isAlive()) {
      return;
    }
    e.die();
    expected--;
    piecesWanted -= pieceSizes.length;
    if (ended >= expected) {
      loop.stop();
    }
    loop.after(
        e.host.latencyNanos + driver.host.latencyNanos,
        () -> {
          driver.lost(e);
          driver.unregister(e.id);
        });
  }

  private void sample(long step) {
    driverLink.add(loop.now(), driver.host.dataBytesSent, driver.host.controlBytesSent);
    sampleHeld();
    loop.after(step, () -> sample(step));
  }

  private void sampleHeld() {
    int[] held = new int[executors.size()];
    int n = 0;
    for (SimExecutor e : executors) {
      if (e.startedAt >= 0 && e.isAlive()) {
        held[n++] = e.isDone() ? pieceSizes.length : e.heldCount();
      }
    }
    swarmProgress.add(loop.now(), driver.piecesSent(), held, n);
  }

  /**
   * Every piece is held by some executor: with {@link Scenario#driverDiesWhenSeeded}, the driver
   * leaves now.
   */
  void seeded() {
    if (seededAt >= 0) {
      return;
    }
    seededAt = loop.now();
    if (scenario.driverDiesWhenSeeded()) {
      driver.die();
      for (SimExecutor e : executors) {
        if (e.isAlive() && e.id >= 0) {
          loop.after(e.host.latencyNanos + driver.host.latencyNanos, e::onDriverLost);
        }
      }
    }
  }

  void executorEnded(SimExecutor e) {
    if (++ended >= expected) {
      driverLink.add(loop.now(), driver.host.dataBytesSent, driver.host.controlBytesSent);
      sampleHeld();
      loop.stop();
    }
  }

  void pieceStored() {
    piecesStored++;
    if ((piecesStored & 1023) == 0) {
      progress.accept(Math.min(1.0, piecesStored / (double) Math.max(1, piecesWanted)));
    }
  }

  SimExecutor executor(int id) {
    return byId.get(id);
  }

  /**
   * With stripe trees, children ask their parents for pieces ahead ({@code
   * FetchScheduler#expectStripeParents(boolean)}), and a block server holds such a request until
   * the piece is stored.
   */
  boolean stripesAhead() {
    return scenario.stripes() > 0;
  }

  /** Stripe trees in use; 0 for the mesh. */
  int stripes() {
    return scenario.stripes();
  }

  int pieceCount() {
    return pieceSizes.length;
  }

  int pieceSize(int piece) {
    return pieceSizes[piece];
  }

  private static long seconds(double s) {
    return (long) (s * 1e9);
  }
}
