package io.swarmcast.tracker;

import io.swarmcast.protocol.Have;
import io.swarmcast.protocol.Locations;
import io.swarmcast.swarm.PeerAddress;
import io.swarmcast.swarm.StripeParents;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The driver's directory of the swarm (Spark's BlockManagerMaster): registered executors, which of
 * them holds which piece of each broadcast, and which broadcasts were destroyed and where.
 *
 * <p>Announcements are relayed at once as {@link Have} notices to every executor that asked for the
 * broadcast's locations and does not yet hold every piece, so fetchers learn of new sources without
 * polling — but only for a piece's first {@value #RELAYED_HOLDERS} holders. Relaying every holder
 * to every subscriber costs pieces × N² small messages, all on the driver's upload, the one link
 * every byte of the broadcast crosses: at 16 executors that was 8 % of the driver's bytes and time.
 * Two sources per piece are enough to spread the load (each executor is the first holder of the
 * pieces the driver sent it), and a fetcher that loses its sources asks for {@link Locations}
 * again, which list every holder. Executors are forgotten when their connection closes. Notices go
 * out through the {@link NoticeSender} the tracker is given; the tracker itself knows no
 * connections.
 *
 * <p>Thread-safe: every method locks this tracker (its own monitor) and sends notices (non-blocking
 * writes) under that lock, so a caller may also lock it to make several calls, or a call and its
 * own bookkeeping, atomic: the driver registers an executor and its connection so.
 */
public final class Tracker {
  /**
   * Bytes of holder entries one {@link Locations} reply may carry: far below any frame limit,
   * however many pieces a broadcast has. Past it a reply lists a window of the holders that starts
   * at a random one, so different askers (and a fetcher asking again) learn different holders.
   */
  static final int LOCATIONS_MAX_BYTES = 1 << 20;

  /**
   * Holders of a piece that are relayed as {@link Have} notices; later ones are in {@link
   * Locations} only.
   */
  static final int RELAYED_HOLDERS = 2;

  /** How many destroyed broadcasts are remembered, to explain late use. */
  private static final int DESTROYED_REMEMBERED = 10_000;

  private final Map<Integer, ExecutorInfo> executors = new TreeMap<>();

  /** Per broadcast, the last executor registered when its stripe trees were first asked for. */
  private final Map<Long, Integer> treeMaxIds = new LinkedHashMap<>();

  /** Executors that said their link is slower than the others': leaves of every stripe tree. */
  private final Set<Integer> leavesOnly = new HashSet<>();

  private final Map<Long, PieceLedger> ledgers = new LinkedHashMap<>();
  private final Map<Long, String> destroyed =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
          return size() > DESTROYED_REMEMBERED;
        }
      };
  private final NoticeSender notices;

  /**
   * Where a long {@link Locations} reply's window starts: injected, so a simulation replays the
   * same run.
   */
  private final RandomGenerator random;

  /** Executors named per location answer, with no relay; 0 for the relay. */
  private final int neighbours;

  /** Whom a location answer names, with neighbours: every executor as often as the others. */
  private final NameCycle names;

  /**
   * Executors a location answer names at most. An executor asks them what they hold, and they name
   * the holders they know, whom it asks in turn until it has its {@code
   * swarmcast.tracker.neighbours}. Naming all 16 was 2.9 % of a 128 MiB value in the driver's
   * upload at 10,000 executors (simulated), against a budget of 1 %; 4 names are about 100 bytes an
   * executor.
   */
  static final int NAMES_PER_ANSWER = 4;

  private int nextExecutorId = 1;
  private long locationsAnswered;
  private long announcementsReceived;
  private final DeliveryPace pace = new DeliveryPace();

  /** {@code notices}: how {@link Have} notices reach executors. */
  public Tracker(NoticeSender notices) {
    this(notices, new SplittableRandom());
  }

  /**
   * {@code random}: the tracker's only chance (which holders a long {@link Locations} reply lists);
   * seeded by simulations.
   */
  public Tracker(NoticeSender notices, RandomGenerator random) {
    this(notices, random, 0);
  }

  /**
   * {@code neighbours}: 0 relays {@link Have} notices as above; K > 0 relays none and answers a
   * location question with min(K, {@link #NAMES_PER_ANSWER}) executors drawn at random, whom the
   * asker asks itself, finding the rest of its K neighbours through them ({@code
   * swarmcast.tracker.neighbours}).
   */
  public Tracker(NoticeSender notices, RandomGenerator random, int neighbours) {
    if (neighbours < 0) {
      throw new IllegalArgumentException("neighbours < 0: " + neighbours);
    }
    this.notices = Objects.requireNonNull(notices, "notices");
    this.random = Objects.requireNonNull(random, "random");
    this.neighbours = neighbours;
    this.names = new NameCycle(random);
  }

  /**
   * Spare copies (see {@link PieceLedger#chooseForDriver}) for a broadcast of {@code totalBytes} in
   * {@code pieceCount} pieces: {@code spareCopyBytes} counted in pieces of the average size if the
   * broadcast is no larger than that, else none. At 2 executors, spare copies of a 128 MiB
   * broadcast shared the driver's link with its last fresh pieces and delayed them (1.15x to 1.17x
   * of size / bandwidth).
   */
  public static int spareCopies(long totalBytes, int pieceCount, long spareCopyBytes) {
    long pieceBytes = Math.max(1, (totalBytes + pieceCount - 1) / Math.max(1, pieceCount));
    return totalBytes > spareCopyBytes
        ? 0
        : (int) Math.min(Integer.MAX_VALUE, spareCopyBytes / pieceBytes);
  }

  /** Registers an executor reachable at {@code host:port}; returns it with its new id. */
  public synchronized ExecutorInfo register(String host, int port) {
    ExecutorInfo info = new ExecutorInfo(nextExecutorId++, host, port);
    executors.put(info.id(), info);
    notifyAll();
    return info;
  }

  /** Forgets an executor and every piece it held. */
  public synchronized void unregister(int executorId) {
    leavesOnly.remove(executorId);
    if (executors.remove(executorId) != null) {
      ledgers.values().forEach(l -> l.forget(executorId));
      pace.forget(executorId);
    }
  }

  /** A snapshot of the registered executors, by id. */
  public synchronized List<ExecutorInfo> executors() {
    return List.copyOf(executors.values());
  }

  /** Waits until at least {@code n} executors are registered; false on timeout. */
  public synchronized boolean awaitExecutors(int n, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (executors.size() < n) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  /** Starts tracking a broadcast the driver holds in full, with no spare copies. */
  public void addBroadcast(long broadcastId, int pieceCount, boolean peerSharing) {
    addBroadcast(broadcastId, pieceCount, peerSharing, 0);
  }

  /**
   * Starts tracking a broadcast the driver holds in full; the driver may send {@code spareCopies}
   * pieces beyond one copy to executors it has no fresh piece for (see {@link
   * PieceLedger#chooseForDriver}).
   */
  public synchronized void addBroadcast(
      long broadcastId, int pieceCount, boolean peerSharing, int spareCopies) {
    addBroadcast(broadcastId, pieceCount, peerSharing, spareCopies, pieceCount);
  }

  /**
   * As {@link #addBroadcast(long, int, boolean, int)}, for a broadcast of which the driver may send
   * only the first {@code available} pieces yet: a file it is still reading (see {@link
   * #piecesAvailable}).
   */
  public synchronized void addBroadcast(
      long broadcastId, int pieceCount, boolean peerSharing, int spareCopies, int available) {
    ledgers.put(
        broadcastId, new PieceLedger(broadcastId, pieceCount, peerSharing, spareCopies, available));
    destroyed.remove(broadcastId);
  }

  /**
   * The driver has checksummed pieces {@code 0 .. available-1} of a broadcast it reads while
   * serving: it may send them from now on, and executors may hold them. Never lowers the count.
   */
  public synchronized void piecesAvailable(long broadcastId, int available) {
    PieceLedger l = ledgers.get(broadcastId);
    if (l != null) {
      l.available(available);
    }
  }

  /**
   * How many pieces of a broadcast (the first ones) the driver has checksummed: an executor cannot
   * hold a verified copy of any other, so one that announces it lies. -1 for an unknown broadcast.
   */
  public synchronized int piecesAvailable(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    return l == null ? -1 : l.available();
  }

  /** Executors' copies are gone (unpersist): forget where pieces were. */
  public synchronized void executorsDropped(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    if (l != null) {
      l.resetExecutors();
    }
  }

  /** Where the broadcast was destroyed, if it was (and is still remembered); null otherwise. */
  public synchronized String destroyedAt(long broadcastId) {
    return destroyed.get(broadcastId);
  }

  /** The broadcast is gone everywhere; later requests are told where it was destroyed. */
  public synchronized void destroyed(long broadcastId, String site) {
    ledgers.remove(broadcastId);
    treeMaxIds.remove(broadcastId);
    destroyed.put(broadcastId, site);
  }

  /** Why a broadcast the tracker does not know is unknown, in words for the user. */
  public synchronized String whyUnknown(long broadcastId) {
    String site = destroyed.get(broadcastId);
    return site != null
        ? "Broadcast(" + broadcastId + ") was destroyed (" + site + ")"
        : "Broadcast(" + broadcastId + ") is unknown to the driver";
  }

  /** How many pieces a broadcast has; -1 if the tracker does not know it (never, or no longer). */
  public synchronized int pieceCount(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    return l == null ? -1 : l.pieceCount;
  }

  public synchronized boolean knows(long broadcastId) {
    return ledgers.containsKey(broadcastId);
  }

  /**
   * Records an announcement; relays it to the broadcast's other subscribers if it names one of the
   * piece's first holders.
   */
  public synchronized void announce(int executorId, long broadcastId, int piece) {
    announcementsReceived++;
    PieceLedger l = ledgers.get(broadcastId);
    ExecutorInfo from = executors.get(executorId);
    if (l == null
        || from == null
        || !l.record(executorId, piece)
        || !l.peerSharing
        || neighbours > 0
        || l.holders(piece) > RELAYED_HOLDERS) {
      return;
    }
    Have have = new Have(broadcastId, piece, executorId, from.host(), from.port());
    for (int sub : l.subscribers) {
      if (sub != executorId && executors.containsKey(sub)) {
        notices.have(sub, have);
      }
    }
  }

  /**
   * Records a batch of announcements ({@code AnnounceMany}), each as {@link #announce(int, long,
   * int)} does.
   */
  public synchronized void announce(int executorId, long broadcastId, BitSet pieces) {
    for (int p = pieces.nextSetBit(0); p >= 0; p = pieces.nextSetBit(p + 1)) {
      announce(executorId, broadcastId, p);
    }
  }

  /**
   * The holders of a broadcast's pieces, other than the asker, who is subscribed to later notices.
   */
  public synchronized Optional<Locations> locations(long requestId, int askerId, long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    if (l == null) {
      return Optional.empty();
    }
    locationsAnswered++;
    List<Locations.Holder> holders = new ArrayList<>();
    if (l.peerSharing && neighbours > 0) {
      // Names only, no bit sets (a count of 0): the asker asks each neighbour what it holds anyway,
      // and K bit sets of every piece were most of the driver's control bytes (simulated: 2.4 KiB
      // per executor with 1,024 pieces and K = 16, 18 % of 128 MiB at 10,000 executors).
      return Optional.of(new Locations(requestId, broadcastId, 0, neighbours(askerId)));
    }
    if (l.peerSharing) {
      l.subscribe(askerId);
      List<Map.Entry<Integer, BitSet>> all = new ArrayList<>(l.holdings.entrySet());
      int start = all.isEmpty() ? 0 : random.nextInt(all.size());
      int bytes = 0;
      for (int k = 0; k < all.size(); k++) {
        Map.Entry<Integer, BitSet> e = all.get((start + k) % all.size());
        ExecutorInfo info = executors.get(e.getKey());
        if (e.getKey() == askerId || info == null) {
          continue;
        }
        int entry = Locations.holderLength(info.host(), l.pieceCount);
        if (holders.size() >= Locations.MAX_HOLDERS || bytes + entry > LOCATIONS_MAX_BYTES) {
          break;
        }
        bytes += entry;
        holders.add(
            new Locations.Holder(
                info.id(), info.host(), info.port(), (BitSet) e.getValue().clone()));
      }
    }
    return Optional.of(new Locations(requestId, broadcastId, l.pieceCount, holders));
  }

  /**
   * The asker's place in {@code stripes} stripe trees of a broadcast, over the executors registered
   * now ({@link StripeTree}): its parents, and which of them are roots. Empty for an unknown
   * executor or broadcast.
   */
  public synchronized Optional<StripeParents> stripeParents(
      int askerId, long broadcastId, int stripes) {
    PieceLedger l = ledgers.get(broadcastId);
    if (l == null || !executors.containsKey(askerId)) {
      return Optional.empty();
    }
    // The trees are laid over the executors registered when the first one asked: one that joins
    // later is a leaf, as one more child of the deepest inner nodes. Laid out anew with it, it took
    // an inner node's child slot whose earlier holder kept its place, and the inner nodes of the
    // middle of the trees had a child more each (10 % joining half-way at 1,000 executors: p50
    // 1.24 x).
    int treeMaxId = treeMaxIds.computeIfAbsent(broadcastId, b -> nextExecutorId - 1);
    int[] order = new int[executors.size()];
    int eligible = 0;
    for (int id : executors.keySet()) {
      if (!leavesOnly.contains(id) && id <= treeMaxId) {
        order[eligible++] = id;
      }
    }
    int next = eligible;
    for (int id : executors.keySet()) {
      if (leavesOnly.contains(id) || id > treeMaxId) {
        order[next++] = id;
      }
    }
    return Optional.of(
        StripeTree.place(
            order,
            eligible,
            askerId,
            stripes,
            l.pieceCount,
            id -> {
              ExecutorInfo info = executors.get(id);
              return new PeerAddress(id, info.host(), info.port());
            }));
  }

  /**
   * {@code executorId} is on a link slower than the others' (it says so): with stripe trees it is a
   * leaf of every stripe, so that it holds no children to its rate.
   */
  public synchronized void leafOnly(int executorId) {
    if (executors.containsKey(executorId)) {
      leavesOnly.add(executorId);
    }
  }

  /** Where a registered executor can be reached, for naming it; empty if unknown. */
  public synchronized Optional<Locations.Holder> holderName(int executorId) {
    ExecutorInfo info = executors.get(executorId);
    return info == null
        ? Optional.empty()
        : Optional.of(new Locations.Holder(info.id(), info.host(), info.port(), new BitSet()));
  }

  /**
   * Up to {@link #NAMES_PER_ANSWER} (at most {@link #neighbours}) registered executors other than
   * the asker, from the {@link NameCycle}, without their pieces: the asker finds the rest of its
   * neighbours through them.
   */
  private List<Locations.Holder> neighbours(int askerId) {
    List<Locations.Holder> out = new ArrayList<>();
    for (int id : names.next(Math.min(neighbours, NAMES_PER_ANSWER), askerId, executors.keySet())) {
      ExecutorInfo info = executors.get(id);
      out.add(new Locations.Holder(id, info.host(), info.port(), new BitSet()));
    }
    return out;
  }

  /**
   * {@link #choosePieceToSend}'s answer to an executor that holds far fewer pieces than the swarm's
   * mean (on a slow link, or late): not now. It is answered busy and asks again later, while its
   * peers serve it. Simulated, 1,000 executors at 10 Gbit/s with a tenth ten times slower: the
   * driver's last fresh pieces went to slow executors, whose 1 Gbit/s then held every fast one back
   * (the swarm seeded at 1.62 ×, the fast executors done at 1.81 × size ÷ bandwidth); with this,
   * 1.09 × and 1.27 ×. Not a decline: a declined executor asks the driver for nothing fresh again,
   * and one that lagged only for a while (it began later) should be able to.
   */
  public static final int NOT_NOW = -2;

  /**
   * See {@link PieceLedger#chooseForDriver}; -1 also for an unknown broadcast; {@link #NOT_NOW} for
   * an executor that lags behind.
   */
  public synchronized int choosePieceToSend(
      long broadcastId, int executorId, BitSet exclude, boolean allowDuplicate) {
    PieceLedger l = ledgers.get(broadcastId);
    // The choice is made when an upload slot frees, possibly after the executor was lost: booking a
    // piece for it then would count the piece as sent for good. Ids are never reused, so a lost one
    // is below the next id and no longer registered.
    boolean lost = executorId < nextExecutorId && !executors.containsKey(executorId);
    return l == null || lost
        ? -1
        : l.chooseForDriver(
            executorId,
            exclude,
            allowDuplicate,
            pace.isSlow(executorId),
            l.lagsBehind(executorId, executors.size()));
  }

  /**
   * A piece of {@code bytes} the driver sent reached {@code executorId} (it announced it) {@code
   * nanos} after the driver began to write it: how the driver learns which executors are slow (see
   * {@link DeliveryPace}); those get no fresh pieces.
   */
  public synchronized void delivered(int executorId, long bytes, long nanos) {
    if (executors.containsKey(executorId)) {
      pace.delivered(executorId, bytes, nanos);
    }
  }

  /** Pieces of the broadcast held over all executors (progress). */
  public synchronized int piecesHeldByExecutors(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    return l == null ? 0 : l.announced();
  }

  /**
   * True if every piece of the broadcast is held by at least one registered executor, so that
   * fetches already running can finish without the driver (peer exchange); false for an unknown
   * broadcast.
   */
  public synchronized boolean isSeeded(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    return l != null && l.isSeeded();
  }

  /**
   * How many executors receive the broadcast's {@link Have} notices: they asked for its locations
   * and lack a piece.
   */
  synchronized int subscribers(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    return l == null ? 0 : l.subscribers.size();
  }

  /**
   * How many {@link Locations} questions the tracker has answered, over all broadcasts: its main
   * load.
   */
  public synchronized long locationsAnswered() {
    return locationsAnswered;
  }

  /** Pieces executors announced, over all broadcasts, one per piece whether alone or in a batch. */
  public synchronized long announcementsReceived() {
    return announcementsReceived;
  }

  /** The broadcasts the tracker knows now, in the order they were added. */
  public synchronized List<Long> broadcastIds() {
    return List.copyOf(ledgers.keySet());
  }

  /**
   * A copy of what the tracker knows of a broadcast (see {@link BroadcastPieces}) for the
   * registered executors among {@code executorIds} only: a page of the swarm costs its own bit
   * sets, not every executor's, under this lock. Null if the tracker does not know the broadcast.
   */
  public synchronized BroadcastPieces pieces(long broadcastId, Collection<Integer> executorIds) {
    PieceLedger l = ledgers.get(broadcastId);
    return l == null
        ? null
        : l.snapshot(executorIds.stream().filter(executors::containsKey).toList());
  }

  /**
   * How many pieces of a broadcast each registered executor holds (those holding none may be
   * absent); empty if unknown.
   */
  public synchronized Map<Integer, Integer> piecesHeldCounts(long broadcastId) {
    PieceLedger l = ledgers.get(broadcastId);
    if (l == null) {
      return Map.of();
    }
    Map<Integer, Integer> counts = l.heldCounts();
    counts.keySet().retainAll(executors.keySet());
    return counts;
  }

  /** Executors registered now. */
  public synchronized int executorCount() {
    return executors.size();
  }

  /** Broadcasts the tracker knows now. */
  public synchronized int broadcastCount() {
    return ledgers.size();
  }

  /** Pieces held by one executor. */
  public synchronized int piecesHeldBy(long broadcastId, int executorId) {
    PieceLedger l = ledgers.get(broadcastId);
    BitSet b = l == null ? null : l.holdings.get(executorId);
    return b == null ? 0 : b.cardinality();
  }

  public synchronized Collection<Integer> executorIds() {
    return List.copyOf(executors.keySet());
  }
}
