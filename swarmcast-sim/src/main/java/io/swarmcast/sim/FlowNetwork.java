package io.swarmcast.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The modelled network, at the level of flows: every host has an upload and a download capacity and
 * a one-way latency to the switch; a piece in transit is a flow whose rate changes whenever a flow
 * starts or ends near it; a control message is a few bytes that leave ahead of the data.
 *
 * <p><b>Connections.</b> Two hosts talk over one TCP connection each way, as real nodes do: the
 * pieces written to it go one after the other, and fairness is per connection (the emulated
 * cluster's HTB classes share each link fairly per peer, not per flow). A sender's write of a piece
 * completes, and frees its upload slot, once no more than {@code socketWindow} bytes of that
 * connection are still unsent: what TCP has in flight (its congestion window, which fills the
 * bottleneck's queue) plus {@code TCP_NOTSENT_LOWAT}. So a node has a piece or two per connection
 * on its way beyond its slots.
 *
 * <p><b>Rates: a local max-min approximation.</b> Exact max-min fairness (progressive filling over
 * the whole graph, {@link MaxMinFair#exact}) on every event costs O(connections) per event, too
 * much for 10,000 hosts. Here a connection's rate comes from two rounds of max-min, one at each
 * end: the sender's upload shared among its connections, each capped at what its receiver would
 * give it (the receiver's download shared among the connections into it, the others capped at their
 * sender's equal share). Only the rates nearest a change are recomputed (see {@link #reshare}), and
 * no host ever sends or takes more than its link. {@code FlowNetworkTest} measures the error
 * against the exact allocation.
 *
 * <p><b>Acknowledgements.</b> Every data byte a host receives costs its upload {@code ackShare}
 * bytes of TCP acknowledgements, and its sender's download as much: a link shaped at the IP level
 * carries them. It matters in a swarm, where executors upload and download at once; one executor
 * downloading alone leaves its upload idle, so the calibration on one executor does not see it.
 *
 * <p><b>Control messages</b> are sent at the sender's full upload rate ahead of its data (they are
 * small and the real transport writes them at once), in order: a burst of notices queues behind
 * itself. The link time they take is taken from the sender's connections, which therefore finish
 * later; that is how a flood of notices from the driver slows the pieces it sends. A receiver's
 * download is not charged for them. Every message is counted at its real encoded size.
 *
 * <p>Not thread-safe: the {@link EventLoop}'s thread runs it.
 */
final class FlowNetwork {
  /** One host: its link and what crossed it. */
  static final class Host {
    final int id;
    final double upBytesPerSecond;
    final double downBytesPerSecond;
    final long latencyNanos;

    /** Connections with a piece moving, from and to this host. */
    final List<Conn> out = new ArrayList<>(4);

    final List<Conn> in = new ArrayList<>(4);

    /** Bumped when a connection into (out of) this host starts, stops or changes its rate. */
    long inRateVersion;

    long outRateVersion;
    double upForData;
    double downForData;
    long upForDataVersion = -1;
    long downForDataVersion = -1;

    /**
     * Its connections to other hosts, by the receiver's id (a map of all pairs keyed by a long
     * hashed to from ^ to, and collided).
     */
    final Map<Integer, Conn> outTo = new HashMap<>();

    /** Hosts it has a connection with (either side opened it). */
    final Set<Integer> connections = new HashSet<>();

    boolean alive = true;

    /** When the control messages already queued on its upload will have left, in nanoseconds. */
    long controlFreeAt;

    /** Link time taken by control messages and not yet charged to the connections, in seconds. */
    double pendingControlSeconds;

    long dataBytesSent;
    long controlBytesSent;
    long controlMessagesSent;
    long controlBytesReceived;

    /**
     * The receiver's water level and the download it gave, computed when its incoming connections
     * and their senders' connection counts were at {@code shareVersion} and its download for data
     * was {@code shareDown}: reused until either changes (most reshares change neither, and
     * recomputing it for each of the driver's receivers at each of its reshares was a third of a
     * run).
     */
    double shareLevel;

    double shareUsed;
    double shareDown = Double.NaN;
    long shareVersion = -1;

    /**
     * Bumped when a connection into it starts or stops, or the sender of one starts or stops
     * another in a way that can move its water level ({@link #sendersChanged}).
     */
    long inVersion;

    /** The reshare in which its download was last checked. */
    long capPass = -1;

    /**
     * Its upload's water level at its last share: what a connection of it may take if its receiver
     * allows.
     */
    double upLevel = Double.POSITIVE_INFINITY;

    Host(int id, double upBytesPerSecond, double downBytesPerSecond, long latencyNanos) {
      this.id = id;
      this.upBytesPerSecond = upBytesPerSecond;
      this.downBytesPerSecond = downBytesPerSecond;
      this.latencyNanos = latencyNanos;
    }
  }

  /** One piece on a connection. */
  static final class Flow {
    final long bytes;
    final Runnable onSent;
    final Runnable onArrived;
    double remaining;
    boolean sent;

    Flow(long bytes, Runnable onSent, Runnable onArrived) {
      this.bytes = bytes;
      this.remaining = bytes;
      this.onSent = onSent;
      this.onArrived = onArrived;
    }
  }

  /** The connection from one host to another: its pieces in order, the first one moving. */
  final class Conn extends EventLoop.Timer {
    final Host from;
    final Host to;
    final ArrayDeque<Flow> flows = new ArrayDeque<>(2);

    /** Bytes per second of the first flow. */
    double rate;

    /**
     * Its sender's upload divided by the sender's moving connections: its cap at a receiver's
     * share.
     */
    double senderShare;

    long settledAt;

    /**
     * As a timer, its next write or last byte: set for {@code eventAt} (see {@link #schedule}), due
     * at {@code dueAt} (not before).
     */
    long eventAt;

    long dueAt;

    Conn(Host from, Host to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public void run() {
      fire(this);
    }
  }

  private final EventLoop loop;
  private final long socketWindow;
  private final boolean sharedWindow;

  /** {@code TCP_NOTSENT_LOWAT} of a node's sockets (TransportContext). */
  private static final long LOWAT = 64 << 10;

  /**
   * An event further off than this (a day) is never scheduled: only a rounding error's rate is so
   * slow (see {@link #schedule}).
   */
  private static final double STALLED_NANOS = 86_400e9;

  private final double ackShare;
  private final List<Host> hosts = new ArrayList<>();
  private double[] scratch = new double[16];

  /** {@link #receiverShare}'s copy of the senders' shares, which the water level overwrites. */
  private double[] shares = new double[16];

  /** {@link #shareUpload}'s caps, and the copy the water level overwrites: kept, not allocated. */
  private double[] caps = new double[16];

  private double[] capsScratch = new double[16];

  /** Numbers each reshare, so a receiver's level is computed once in it. */
  private long pass;

  /**
   * {@code socketWindow}: unsent bytes of a connection at which a write completes (see the class
   * comment); {@code ackShare}: link bytes the receiver's acknowledgements take, per data byte, on
   * the opposite direction of both hosts' links.
   */
  FlowNetwork(EventLoop loop, long socketWindow, double ackShare) {
    this(loop, socketWindow, false, ackShare);
  }

  /**
   * {@code sharedWindow}: a host's connections share one {@code socketWindow} (see {@link
   * #window}).
   */
  FlowNetwork(EventLoop loop, long socketWindow, boolean sharedWindow, double ackShare) {
    this.loop = loop;
    this.socketWindow = socketWindow;
    this.sharedWindow = sharedWindow;
    this.ackShare = ackShare;
  }

  Host addHost(double upBytesPerSecond, double downBytesPerSecond, long latencyNanos) {
    Host h = new Host(hosts.size(), upBytesPerSecond, downBytesPerSecond, latencyNanos);
    hosts.add(h);
    return h;
  }

  /** The rate of every connection with a piece moving, from and to which host (for tests). */
  List<double[]> rates() {
    List<double[]> out = new ArrayList<>();
    for (Host h : hosts) {
      for (Conn c : h.outTo.values()) {
        if (!c.flows.isEmpty()) {
          out.add(new double[] {c.from.id, c.to.id, c.rate});
        }
      }
    }
    return out;
  }

  /** Records that {@code a} and {@code b} hold a connection (idempotent). */
  void connect(Host a, Host b) {
    a.connections.add(b.id);
    b.connections.add(a.id);
  }

  /**
   * Sends a control message of {@code bytes} (its whole frame) from {@code from} to {@code to},
   * which {@code onArrive} receives after it has left {@code from}'s upload and crossed both
   * latencies. A dead host sends nothing; a message that reaches a dead host runs {@code onLost}
   * instead, one path latency later (the connection is refused or reset), if it is not null.
   */
  void control(Host from, Host to, int bytes, Runnable onArrive, Runnable onLost) {
    if (!from.alive) {
      return;
    }
    writeControl(from, bytes);
    long path = from.latencyNanos + to.latencyNanos;
    loop.at(
        from.controlFreeAt + path,
        () -> {
          if (to.alive) {
            to.controlBytesReceived += bytes;
            onArrive.run();
          } else if (onLost != null && from.alive) {
            loop.after(path, onLost);
          }
        });
  }

  /**
   * One notice of {@code bytes} to each of {@code receivers}, written back to back, whose loss
   * nobody notices: each is charged to {@code from}'s upload as {@link #control(Host, Host, int,
   * Runnable)} charges it, and all arrive together, when the last of them would have (a few tens of
   * nanoseconds apart each, against the path's tens of microseconds). One event instead of one per
   * receiver: a stored piece's notices to its neighbours are most of a large run's events, and each
   * was a trip through the event heap.
   */
  <T> void controlToEach(
      Host from,
      Collection<T> receivers,
      Function<T, Host> hostOf,
      int bytes,
      Consumer<T> onArrive) {
    if (!from.alive || receivers.isEmpty()) {
      return;
    }
    @SuppressWarnings("unchecked")
    T[] to = (T[]) receivers.toArray();
    long path = 0;
    for (T t : to) {
      Host h = hostOf.apply(t);
      writeControl(from, bytes);
      path = Math.max(path, from.latencyNanos + h.latencyNanos);
    }
    loop.at(
        from.controlFreeAt + path,
        () -> {
          for (T t : to) {
            Host h = hostOf.apply(t);
            if (h.alive) {
              h.controlBytesReceived += bytes;
              onArrive.accept(t);
            }
          }
        });
  }

  /** Charges a control message of {@code bytes} to {@code from}'s upload; returns nothing. */
  private void writeControl(Host from, int bytes) {
    double seconds = bytes / from.upBytesPerSecond;
    long start = Math.max(loop.now(), from.controlFreeAt);
    from.controlFreeAt = start + (long) Math.ceil(seconds * 1e9);
    from.controlBytesSent += bytes;
    from.controlMessagesSent++;
    if (!from.out.isEmpty()) {
      from.pendingControlSeconds += seconds;
    }
  }

  /**
   * {@link #control(Host, Host, int, Runnable, Runnable)} for a message whose loss nobody notices
   * (a notice, an answer).
   */
  void control(Host from, Host to, int bytes, Runnable onArrive) {
    control(from, to, bytes, onArrive, null);
  }

  /**
   * Writes a piece of {@code bytes} to the connection from {@code from} to {@code to}: {@code
   * onSent} runs when the write completes (see the class comment; a real upload slot frees then),
   * and {@code onArrived} when its last byte has crossed the path.
   */
  void send(Host from, Host to, long bytes, Runnable onSent, Runnable onArrived) {
    if (!from.alive) {
      return;
    }
    Conn c = from.outTo.get(to.id);
    if (c == null) {
      c = new Conn(from, to);
      from.outTo.put(to.id, c);
    }
    Flow f = new Flow(bytes, onSent, onArrived);
    c.flows.add(f);
    if (c.flows.size() == 1) {
      c.settledAt = loop.now();
      from.out.add(c);
      to.in.add(c);
      from.outRateVersion++;
      to.inRateVersion++;
      sendersChanged(from);
      reshare(from, to);
    } else {
      settle(c, loop.now());
      schedule(c);
    }
  }

  /**
   * {@code h} dies: it sends and receives nothing more, and every connection from or to it stops.
   */
  void kill(Host h) {
    h.alive = false;
    List<Conn> dead = new ArrayList<>(h.outTo.values());
    for (Host other : hosts) {
      Conn c = other.outTo.get(h.id);
      if (c != null) {
        dead.add(c);
      }
    }
    for (Conn c : dead) {
      settle(c, loop.now());
      loop.cancel(c);
      for (Flow f : c.flows) {
        if (!f.sent && c.from.alive) {
          loop.after(0, f.onSent); // the write fails: the sender's slot frees
        }
      }
      c.flows.clear();
      idle(c);
    }
  }

  /** The connection has nothing left to send: it stops taking a share of either link. */
  private void idle(Conn c) {
    c.from.outTo.remove(c.to.id);
    if (c.from.out.remove(c)) {
      c.to.in.remove(c);
      c.to.inVersion++;
      c.from.outRateVersion++;
      c.to.inRateVersion++;
      sendersChanged(c.from);
      reshare(c.from, c.to);
    }
  }

  /**
   * Recomputes the rates that a connection starting or stopping between {@code from} and {@code to}
   * changes most: all of {@code from}'s, and each connection into {@code to} (its receiver's share
   * moved; its sender keeps the level it last had). The other connections of those senders are left
   * as they are until their own next change: recomputing them too cost three times the time at 100
   * executors and moved no validation shape by more than 0.3 %. Then no host may send or take more
   * than its link: one that would is given its link in proportion. {@code FlowNetworkTest} measures
   * the error.
   */
  private void reshare(Host from, Host to) {
    pass++;
    shareUpload(from);
    if (sharedWindow) {
      for (Conn c : from.out) {
        schedule(c); // its share of the window changed with the number of connections
      }
    }
    long now = loop.now();
    for (Conn g : to.in) {
      if (g.from != from) {
        settle(g, now);
        double rate = Math.min(receiverShare(g), g.from.upLevel);
        if (!g.isSet() || Math.abs(rate - g.rate) > 1e-9 * g.rate) {
          setRate(g, rate);
          schedule(g);
        }
      }
    }
    for (Conn g : to.in) {
      capUpload(g.from);
    }
    for (Conn c : from.out) {
      if (c.to.capPass != pass) {
        c.to.capPass = pass;
        capDownload(c.to);
      }
    }
    if (to.capPass != pass) {
      to.capPass = pass;
      capDownload(to);
    }
  }

  /**
   * {@code s} started or stopped a connection: the equal share it offers each receiver moved. A
   * receiver's water level stands if the share was and stays at or above it: that connection was
   * and stays one of those that get the level, and the level, and what the others use, come out the
   * same to the last bit. At 300 executors a third of these updates leave the level standing (2.7
   * of 7.9 million), each of which would have cost a pass over the receiver's connections.
   */
  private static void sendersChanged(Host s) {
    double share = s.upBytesPerSecond / s.out.size();
    for (Conn c : s.out) {
      Host r = c.to;
      boolean levelStands =
          r.shareVersion == r.inVersion && c.senderShare >= r.shareLevel && share >= r.shareLevel;
      c.senderShare = share;
      if (!levelStands) {
        r.inVersion++;
      }
    }
  }

  /** Scales the connections from {@code s} down to its upload if, together, they exceed it. */
  private void capUpload(Host s) {
    scaleTo(s.out, upForData(s));
  }

  /** Scales the connections into {@code r} down to its download if, together, they exceed it. */
  private void capDownload(Host r) {
    scaleTo(r.in, downForData(r));
  }

  private void scaleTo(List<Conn> conns, double limit) {
    double sum = 0;
    for (Conn c : conns) {
      sum += c.rate;
    }
    if (sum <= limit * (1 + 1e-9)) {
      return;
    }
    double scale = limit / sum;
    long now = loop.now();
    for (Conn c : conns) {
      settle(c, now);
      setRate(c, c.rate * scale);
      schedule(c);
    }
  }

  /**
   * The sender's upload shared max-min among its connections, each capped at what its receiver
   * would give it.
   */
  private void shareUpload(Host s) {
    long now = loop.now();
    int n = s.out.size();
    if (n == 0) {
      return;
    }
    if (caps.length < n) {
      caps = new double[Math.max(n, 2 * caps.length)];
      capsScratch = new double[caps.length];
    }
    for (int i = 0; i < n; i++) {
      Conn c = s.out.get(i);
      settle(c, now);
      caps[i] = receiverShare(c);
    }
    boolean charged = chargeControl(s);
    System.arraycopy(caps, 0, capsScratch, 0, n);
    double level = MaxMinFair.level(upForData(s), capsScratch, n, 0);
    s.upLevel = level;
    for (int i = 0; i < n; i++) {
      Conn c = s.out.get(i);
      // An unchanged rate keeps its event: progress is linear, so the time it was scheduled for
      // still holds.
      double rate = Math.min(caps[i], level);
      if (charged || !c.isSet() || Math.abs(rate - c.rate) > 1e-9 * c.rate) {
        setRate(c, rate);
        schedule(c);
      }
    }
  }

  /**
   * What {@code c}'s receiver gives it if the other connections into it take at most their sender's
   * equal share: the receiver's water level, or, for a connection its sender holds below that
   * level, what the others leave. The receiver's level is kept until its inputs change ({@link
   * Host#shareVersion}).
   */
  private double receiverShare(Conn c) {
    Host r = c.to;
    int m = r.in.size();
    if (m == 1) {
      return downForData(r);
    }
    double down = downForData(r);
    if (r.shareVersion != r.inVersion || r.shareDown != down) {
      if (scratch.length < m) {
        scratch = new double[Math.max(m, 2 * scratch.length)];
      }
      if (shares.length < m) {
        shares = new double[scratch.length];
      }
      for (int k = 0; k < m; k++) {
        Conn g = r.in.get(k);
        scratch[k] = g.senderShare;
      }
      System.arraycopy(scratch, 0, shares, 0, m);
      double level = MaxMinFair.level(down, scratch, m, 0);
      double used = 0;
      for (int k = 0; k < m; k++) {
        used += Math.min(shares[k], level);
      }
      r.shareLevel = level;
      r.shareUsed = used;
      r.shareDown = down;
      r.shareVersion = r.inVersion;
    }
    double cap = c.senderShare;
    return cap >= r.shareLevel ? r.shareLevel : r.shareDown - (r.shareUsed - cap);
  }

  /** A connection's new rate; the sums over its hosts' connections are due again. */
  private static void setRate(Conn c, double rate) {
    c.rate = rate;
    c.from.outRateVersion++;
    c.to.inRateVersion++;
  }

  /**
   * A host's upload less what the acknowledgements of its downloads take of it. Kept until a rate
   * into the host changes: it is asked for far more often than that, and the sum was a tenth of a
   * large run's time. The same loop computes it, so results do not change.
   */
  private double upForData(Host h) {
    if (h.upForDataVersion != h.inRateVersion) {
      h.upForData = lessAcknowledgements(h.upBytesPerSecond, h.in);
      h.upForDataVersion = h.inRateVersion;
    }
    return h.upForData;
  }

  /** A host's download less what the acknowledgements of its uploads take of it; kept likewise. */
  private double downForData(Host h) {
    if (h.downForDataVersion != h.outRateVersion) {
      h.downForData = lessAcknowledgements(h.downBytesPerSecond, h.out);
      h.downForDataVersion = h.outRateVersion;
    }
    return h.downForData;
  }

  /**
   * One direction's capacity less the acknowledgements of what flows the other way on {@code
   * opposite}; never under 1 % of it.
   */
  private double lessAcknowledgements(double capacity, List<Conn> opposite) {
    double rate = 0;
    for (Conn c : opposite) {
      rate += c.rate;
    }
    return Math.max(capacity * 0.01, capacity - ackShare * rate);
  }

  /**
   * Charges the link time of control messages sent since the last charge to the sender's
   * connections; true if there was any.
   */
  private static boolean chargeControl(Host s) {
    if (s.pendingControlSeconds <= 0) {
      return false;
    }
    for (Conn c : s.out) {
      c.flows.getFirst().remaining += c.rate * s.pendingControlSeconds;
    }
    s.pendingControlSeconds = 0;
    return true;
  }

  private static void settle(Conn c, long now) {
    Flow head = c.flows.peekFirst();
    if (head != null) {
      head.remaining = Math.max(0, head.remaining - c.rate * (now - c.settledAt) / 1e9);
    }
    c.settledAt = now;
  }

  /**
   * Reports the writes that have completed and schedules the next event of {@code c}: the moment
   * its first unsent piece's write completes, or its first piece's last byte leaves, whichever
   * comes first.
   */
  private void schedule(Conn c) {
    long now = loop.now();
    double unsent = 0;
    double untilWrite =
        Double.MAX_VALUE; // bytes the first piece must still send before the next write completes
    double window = window(c.from);
    for (Flow f : c.flows) {
      unsent += f.remaining;
      if (!f.sent) {
        if (unsent <= window) {
          f.sent = true;
          if (c.from.alive) {
            loop.after(0, f.onSent);
          }
        } else {
          untilWrite = unsent - window;
          break;
        }
      }
    }
    Flow head = c.flows.peekFirst();
    if (head == null || c.rate <= 0) {
      loop.cancel(c);
      return;
    }
    double nanos = Math.ceil(Math.min(head.remaining, untilWrite) / c.rate * 1e9);
    if (nanos > STALLED_NANOS) {
      // A rate that is all but nothing: a share of what the others leave a receiver, where they
      // leave it only a rounding error. Its event would lie past the end of a long's time and wrap
      // round to the past, where it fired again and again without time moving. It waits instead
      // for the next change of its rate, which a connection into its receiver stopping brings.
      loop.cancel(c);
      return;
    }
    long at = now + (long) nanos;
    c.dueAt = at;
    if (c.isSet() && at >= c.eventAt) {
      return; // the event comes first and moves on to the new time then: rates change far more
      // often than events fire, and most changes are later
    }
    c.eventAt = at;
    loop.set(c, at);
  }

  /**
   * The socket window of each of {@code h}'s connections: the whole {@code socketWindow}, or, if
   * windows are shared, {@code TCP_NOTSENT_LOWAT} plus the connection's share of the rest. Which is
   * nearer the truth matters only where a host sends on many connections at once (hundreds of
   * executors): a host cannot really keep a window's worth in flight on each of a thousand
   * connections, but nothing on the emulated cluster (32 executors at most) tells the two apart
   * well. docs/scaling.md.
   */
  private double window(Host h) {
    if (!sharedWindow) {
      return socketWindow;
    }
    long lowat = Math.min(socketWindow, LOWAT);
    return lowat + (socketWindow - lowat) / (double) Math.max(1, h.out.size());
  }

  private void fire(Conn c) {
    long now = loop.now();
    if (now < c.dueAt) {
      c.eventAt = c.dueAt;
      loop.set(c, c.dueAt);
      return;
    }
    if (c.from.pendingControlSeconds > 0) {
      pass++;
      shareUpload(c.from); // control messages took link time: everything finishes later
      for (Conn o : c.from.out) {
        if (o.to.capPass != pass) {
          o.to.capPass = pass;
          capDownload(o.to);
        }
      }
      return;
    }
    settle(c, now);
    Flow head = c.flows.peekFirst();
    if (head != null && head.remaining <= 1e-6) {
      finish(c, head);
    } else {
      schedule(c);
    }
  }

  /**
   * The first piece's last byte has left: it arrives one path latency later, and the next piece
   * moves.
   */
  private void finish(Conn c, Flow head) {
    c.flows.pollFirst();
    c.from.dataBytesSent += head.bytes;
    loop.after(
        c.from.latencyNanos + c.to.latencyNanos,
        () -> {
          if (c.to.alive) {
            head.onArrived.run();
          }
        });
    if (c.flows.isEmpty()) {
      loop.cancel(c);
      idle(c);
    } else {
      schedule(c);
    }
  }
}
