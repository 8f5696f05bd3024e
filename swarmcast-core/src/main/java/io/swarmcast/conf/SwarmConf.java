package io.swarmcast.conf;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The one configuration object: string settings by name, read through the typed keys declared here.
 *
 * <p>Every key Swarmcast reads is a constant of this class with its default and documentation;
 * {@link #keys()} lists them all. Setting a key that starts with {@code swarmcast.} but is not one
 * of them fails at once, so typos do not silently fall back to defaults. Values are validated when
 * set.
 *
 * <p>Thread-safe: {@link #set} and reads synchronise on the instance; configure before starting
 * nodes.
 */
public final class SwarmConf {
  /**
   * Which BroadcastFactory to use: {@code torrent}, {@code direct}, or a fully qualified class
   * name.
   */
  public static final ConfKey<String> BROADCAST_FACTORY =
      ConfKey.shortNameOrClass(
          "swarmcast.broadcast.factory",
          "torrent",
          List.of("torrent", "direct"),
          "Broadcast implementation: `torrent` (peer-to-peer), `direct` (every executor fetches from the driver), or a class name implementing BroadcastFactory.");

  public static final ConfKey<Long> BLOCK_SIZE =
      ConfKey.bytes(
          "swarmcast.broadcast.blockSize",
          "4m",
          1024,
          64L << 20,
          "Largest piece a broadcast is cut into (1 KiB to 64 MiB).");
  public static final ConfKey<Long> MIN_BLOCK_SIZE =
      ConfKey.bytes(
          "swarmcast.broadcast.minBlockSize",
          "128k",
          1024,
          64L << 20,
          "Smallest piece a torrent broadcast is cut into when the swarm is large (see piecesPerExecutor): 64 KiB pieces cost more per byte than they saved at 16 executors.");
  public static final ConfKey<Integer> PIECES_PER_EXECUTOR =
      ConfKey.integer(
          "swarmcast.broadcast.piecesPerExecutor",
          128,
          1,
          1 << 16,
          "A torrent broadcast halves blockSize (not below minBlockSize) until it has this many pieces per registered executor: a piece is forwarded only once complete, so smaller pieces keep executors closer behind the driver (128 MiB to 8 executors: 128 KiB pieces 1.09-1.10x size/bandwidth, 256 KiB 1.12x).");
  public static final ConfKey<Long> STORAGE_RETAIN_BYTES =
      ConfKey.bytes(
          "swarmcast.storage.retainBytes",
          "512m",
          0,
          1L << 40,
          "Direct memory of dropped pieces a node keeps for its next broadcasts instead of returning it to the OS (fresh memory costs a page fault and zeroing per 4 KiB); at most half the JVM's direct memory (-XX:MaxDirectMemorySize, by default the heap's maximum). 0 returns it at once.");
  public static final ConfKey<Long> STORAGE_PRE_TOUCH_BYTES =
      ConfKey.bytes(
          "swarmcast.storage.preTouchBytes",
          "0",
          0,
          1L << 40,
          "Memory for pieces a node allocates and touches when it starts, before it serves or joins (at most storage.retainBytes), so its first broadcast does not pay the page faults; it is resident from then on. 0 for none (the library's default: your JVM, your memory); `swarmcast driver` and `swarmcast executor` use 256m.");
  public static final ConfKey<OptionalLong> STORAGE_MEMORY_BYTES =
      ConfKey.bytesOrAuto(
          "swarmcast.storage.memoryBytes",
          0,
          1L << 50,
          "Bytes of pieces a node keeps in memory; beyond them pieces are written to files under swarmcast.storage.dir and served from there with sendfile (auto: half the JVM's direct memory).");
  public static final ConfKey<String> STORAGE_DIR =
      ConfKey.string(
          "swarmcast.storage.dir",
          "",
          "Directory under which an executor writes the files of file broadcasts (broadcastFile), one subdirectory per node, deleted on unpersist, destroy and when the node stops. Empty: the JVM's java.io.tmpdir. `swarmcast executor --out DIR` uses DIR/.swarmcast, so a received file is placed there by a link, not a copy.");
  public static final ConfKey<String> FILE_PIECE_DIGEST =
      ConfKey.choice(
          "swarmcast.file.pieceDigest",
          "crc32c",
          List.of("crc32c", "sha256"),
          "What a file broadcast's handle carries per piece besides the whole file's SHA-256, which every executor checks once the file is complete: `crc32c` (catches corruption in transit, at memory speed), or `sha256` (also catches a peer that forges pieces, so a bad piece is refused when it arrives, not after the whole file; 32 bytes per piece in the handle and a SHA-256 per received piece).");
  public static final ConfKey<Boolean> NODE_C1_ONLY =
      ConfKey.bool(
          "swarmcast.node.c1Only",
          true,
          "Compile Swarmcast's own classes (io.swarmcast.*) with C1 only, through a HotSpot compiler directive added when the node starts: a node's hot loops are copies, checksums and socket I/O, which C1 compiles well, and C2 spent more CPU compiling them than it saved (inside Spark at 200 Mbit/s: 1.19x size/bandwidth instead of 1.33x). The rest of the JVM keeps its own JIT settings. false: leave the JIT alone.");
  public static final ConfKey<Long> NODE_WARM_UP_BYTES =
      ConfKey.bytes(
          "swarmcast.node.warmUpBytes",
          "0",
          0,
          256L << 20,
          "Bytes of a private broadcast a node sends itself over 127.0.0.1 before it starts (a private driver and two executors that trade 32 KiB pieces; bounded to 10 s), so the JIT compiles a broadcast's code, between peers too, before the first real one instead of during it. 0 for none (the library's default); `swarmcast driver` and `swarmcast executor` use 8m.");
  public static final ConfKey<String> COMPRESS =
      ConfKey.choice(
          "swarmcast.broadcast.compress",
          "lz4",
          List.of("lz4", "zstd", "none"),
          "Codec applied to the serialized value before it is cut: `lz4`, `zstd` or `none`.");
  public static final ConfKey<String> SERIALIZER =
      ConfKey.choice(
          "swarmcast.serializer",
          "java",
          List.of("java", "kryo"),
          "Serializer for broadcast values: `java` (java.io.Serializable) or `kryo`. A `byte[]` value goes as it is, with either.");

  /** The default of {@link #JAVA_FILTER}: see {@code JavaSerializer.DEFAULT_FILTER} for why. */
  public static final String DEFAULT_JAVA_FILTER =
      "maxdepth=200;maxrefs=100000000"
          + ";!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*"
          + ";!org.apache.commons.beanutils.*;!org.codehaus.groovy.runtime.*;!org.springframework.beans.factory.*"
          + ";!com.sun.org.apache.xalan.internal.xsltc.trax.*;!org.apache.xalan.xsltc.trax.*"
          + ";!javax.management.*;!java.rmi.*;!sun.rmi.*;!com.sun.rowset.*;!com.mchange.v2.c3p0.*";

  public static final ConfKey<String> JAVA_FILTER =
      ConfKey.javaFilter(
          "swarmcast.serializer.java.filter",
          DEFAULT_JAVA_FILTER,
          "The ObjectInputFilter (JDK pattern syntax, e.g. `com.example.*;java.base/*;!*`) that Java-serialized broadcast values are read through; the default bounds depth and references and refuses the packages of well-known gadget chains. Allow-list your own types for a stricter one.");
  public static final ConfKey<String> DRIVER_HOST =
      ConfKey.string(
          "swarmcast.driver.host",
          "127.0.0.1",
          "On the driver: the address it advertises, and binds unless driver.bindHost is set; `0.0.0.0` binds every interface and advertises this host's first non-loopback address (or fails saying so). On an executor: the driver to join (a name or an address: handles find their node by the driver's incarnation, not by this string).");
  public static final ConfKey<String> DRIVER_BIND_HOST =
      ConfKey.string(
          "swarmcast.driver.bindHost",
          "",
          "On the driver: the address to listen on, if not driver.host (e.g. `0.0.0.0` behind a NAT that executors reach by another name).");
  public static final ConfKey<Integer> DRIVER_PORT =
      ConfKey.integer(
          "swarmcast.driver.port",
          0,
          0,
          65535,
          "Driver port; 0 on the driver picks a free one (read it back from the node).");
  public static final ConfKey<String> EXECUTOR_HOST =
      ConfKey.string(
          "swarmcast.executor.host",
          "127.0.0.1",
          "The address an executor advertises to peers, and binds its block server to unless executor.bindHost is set; `0.0.0.0` as for driver.host.");
  public static final ConfKey<String> EXECUTOR_BIND_HOST =
      ConfKey.string(
          "swarmcast.executor.bindHost",
          "",
          "The address an executor's block server listens on, if not executor.host.");
  public static final ConfKey<Duration> EXECUTOR_JOIN_TIMEOUT =
      ConfKey.durationOrForever(
          "swarmcast.executor.joinTimeout",
          "60s",
          "How long an executor keeps trying to join its driver (capped exponential back-off, 100 ms to 5 s) before it fails naming the driver and the last reason; `forever` never gives up (what `swarmcast executor` uses). A driver that refuses the executor is not retried.");
  public static final ConfKey<Boolean> EXECUTOR_REJOIN =
      ConfKey.bool(
          "swarmcast.executor.rejoin",
          true,
          "When the driver goes away, an executor waits for a driver at the same address again, so a long-lived fleet survives driver restarts; it keeps serving the old driver's pieces to peers still fetching until a new driver takes over, then drops them, and handles of the old driver fail naming it. false: the executor stays driverless.");
  public static final ConfKey<Integer> EXECUTOR_PORT =
      ConfKey.integer(
          "swarmcast.executor.port",
          0,
          0,
          65535,
          "Executor block-server port; 0 picks a free one.");
  public static final ConfKey<Integer> FETCH_MAX_IN_FLIGHT =
      ConfKey.integer(
          "swarmcast.fetch.maxInFlight",
          16,
          1,
          1024,
          "Piece requests an executor keeps outstanding to peers at once (requests to the driver come on top).");
  public static final ConfKey<Integer> FETCH_MAX_PER_PEER =
      ConfKey.integer(
          "swarmcast.fetch.maxPerPeer",
          1,
          1,
          16,
          "Piece requests an executor keeps outstanding to any one peer: more queue behind each other on the peer's link.");
  public static final ConfKey<Integer> FETCH_MAX_FROM_DRIVER =
      ConfKey.integer(
          "swarmcast.fetch.maxFromDriver",
          2,
          1,
          16,
          "Piece requests an executor keeps outstanding to the driver, so the driver's link never waits for a round trip.");
  public static final ConfKey<Integer> FETCH_MAX_BAD_PIECES =
      ConfKey.integer(
          "swarmcast.fetch.maxBadPieces",
          2,
          1,
          1000,
          "Pieces failing their checksum after which an executor stops asking the peer that sent them, for that broadcast; each such piece is fetched again from another holder.");
  public static final ConfKey<Duration> FETCH_PEER_TIMEOUT =
      ConfKey.duration(
          "swarmcast.fetch.peerTimeout",
          "10s",
          "How long an executor waits for a peer to answer one piece request before it counts the peer as stalled: the request is dropped, the peer not asked again for that broadcast, and the piece asked of another holder or the driver. Must exceed the time a peer needs to send a few pieces over the slowest link; requests to the driver use network.timeout.");
  public static final ConfKey<Integer> TRACKER_NEIGHBOURS =
      ConfKey.integer(
          "swarmcast.tracker.neighbours",
          16,
          0,
          4096,
          "K > 0: each executor keeps K neighbours. The tracker names up to 4 per location question, every executor in turn from a shuffled cycle of all of them; an executor asks those what they hold and finds the rest among the holders they name. Neighbours tell each other of new pieces, and an executor finds new ones when it loses a source, so no notice about pieces passes through the driver. 0: the tracker relays each piece's first holders to every fetching executor as Have notices, which grows as executors x pieces on the driver's link. Every node of a cluster must use the same value. docs/scaling.md.");
  public static final ConfKey<Long> DRIVER_SPARE_COPIES =
      ConfKey.bytes(
          "swarmcast.driver.spareCopyBytes",
          "4m",
          0,
          1L << 40,
          "For broadcasts no larger than this: bytes the driver may send beyond one copy when it has no fresh piece for an executor, instead of leaving it to wait for a peer, so a small broadcast reaches every executor in one round trip. Larger broadcasts get none.");
  public static final ConfKey<Integer> UPLOAD_SLOTS =
      ConfKey.integer(
          "swarmcast.upload.slots",
          2,
          1,
          64,
          "Piece uploads a node sends at once, each at the link's full rate; further requests wait in order (paced with native epoll only).");
  public static final ConfKey<Integer> DRIVER_MAX_PIECES_IN_FLIGHT =
      ConfKey.integer(
          "swarmcast.driver.maxPiecesInFlight",
          32,
          1,
          1 << 16,
          "Pieces the driver has sent and not yet heard stored (each until its executor announces it, at most 1 s after the write); beyond them it starts no upload, so with many executors its link carries a few fast pieces, not thousands of slow ones.");
  public static final ConfKey<Integer> UPLOAD_MAX_WAITING =
      ConfKey.integer(
          "swarmcast.upload.maxWaiting",
          1,
          0,
          1 << 16,
          "On an executor: piece requests that may wait for an upload slot; beyond them a requester is told busy and asks another holder (the driver queues them all).");
  public static final ConfKey<Duration> NETWORK_TIMEOUT =
      ConfKey.duration(
          "swarmcast.network.timeout",
          "30s",
          "How long a request (connect, fetch, remove, register) may take before it fails.");
  public static final ConfKey<Long> MAX_FRAME_SIZE =
      ConfKey.bytes(
          "swarmcast.network.maxFrameSize",
          "65m",
          64 << 10,
          1L << 30,
          "Largest frame a node accepts; larger length prefixes close the connection. Must exceed blockSize.");
  public static final ConfKey<Integer> MAX_CONNECTIONS =
      ConfKey.integer(
          "swarmcast.network.maxConnections",
          16384,
          1,
          1 << 20,
          "Connections a node accepts at once; one beyond them is closed as soon as it is accepted (the connections a node opens itself do not count). A driver holds one per executor, so this bounds the swarm: 16384 lets 10,000 executors join with room to spare (1024 before stopped the 1,025th). Each idle connection costs a socket and a few KiB; what incomplete frames hold is bounded over all of them by maxBufferedBytes. The process's open-file limit must allow it too (a node warns at start if it does not).");
  public static final ConfKey<Duration> IDLE_TIMEOUT =
      ConfKey.duration(
          "swarmcast.network.idleTimeout",
          "2m",
          "A peer connection that carries nothing either way for this long (and has no request outstanding) is closed; it is reopened when next needed. An executor and its driver instead exchange a 4-byte keepalive every third of it and close their connection when nothing at all arrives for this long, so a silent link stays up and a dead one is noticed.");
  public static final ConfKey<OptionalLong> MAX_BUFFERED_BYTES =
      ConfKey.bytesOrAuto(
          "swarmcast.network.maxBufferedBytes",
          64 << 10,
          1L << 40,
          "Bytes a node holds in incomplete incoming frames over all its connections; past it, the connection holding the most is closed. `auto`: a quarter of the JVM's direct memory, at most 256 MiB, and never less than one piece frame.");
  public static final ConfKey<Integer> IO_THREADS =
      ConfKey.integer(
          "swarmcast.network.ioThreads", 2, 1, 64, "Netty event-loop threads per node.");
  public static final ConfKey<Boolean> NATIVE_TRANSPORT =
      ConfKey.bool(
          "swarmcast.network.native",
          true,
          "Use native epoll when available (Linux); otherwise Java NIO.");
  public static final ConfKey<Boolean> AUTHENTICATE =
      ConfKey.bool(
          "swarmcast.authenticate",
          false,
          "Require a shared secret on every connection: true without auth.secret or auth.secretFile fails at start-up. A secret alone also turns authentication on.");
  public static final ConfKey<String> AUTH_SECRET =
      ConfKey.string(
          "swarmcast.auth.secret",
          "",
          "The cluster's shared secret, for the library (the CLI refuses it on its command line: use auth.secretFile or SWARMCAST_SECRET). Both sides of every connection prove they know it with HMAC-SHA256 over fresh nonces; it never crosses the wire.");
  public static final ConfKey<String> AUTH_SECRET_FILE =
      ConfKey.string(
          "swarmcast.auth.secretFile",
          "",
          "A file holding the shared secret (surrounding white space ignored), instead of auth.secret.");

  public static final ConfKey<Boolean> TLS_ENABLED =
      ConfKey.bool(
          "swarmcast.tls.enabled",
          false,
          "TLS 1.3 on every connection, both sides verified (mutual TLS): with tls.certFile, tls.keyFile and tls.trustFile, or with tls.selfSigned.");
  public static final ConfKey<String> TLS_CERT_FILE =
      ConfKey.string(
          "swarmcast.tls.certFile",
          "",
          "PEM file with this node's certificate chain (its own certificate first); it serves as both server and client certificate.");
  public static final ConfKey<String> TLS_KEY_FILE =
      ConfKey.string(
          "swarmcast.tls.keyFile",
          "",
          "PEM file with the private key of tls.certFile, unencrypted PKCS#8 (`BEGIN PRIVATE KEY`).");
  public static final ConfKey<String> TLS_TRUST_FILE =
      ConfKey.string(
          "swarmcast.tls.trustFile",
          "",
          "PEM file with the certificates (usually the cluster's CA) a peer's certificate must chain to; host names are not checked, since nodes reach each other by the addresses they advertise.");
  public static final ConfKey<Boolean> TLS_SELF_SIGNED =
      ConfKey.bool(
          "swarmcast.tls.selfSigned",
          false,
          "Quick start without PEM files: each node makes a throwaway certificate, and the shared-secret handshake checks both sides' certificate fingerprints, so an impostor or man in the middle fails authentication. Needs tls.enabled and a shared secret.");
  public static final ConfKey<String> TLS_PROVIDER =
      ConfKey.choice(
          "swarmcast.tls.provider",
          "auto",
          List.of("auto", "jdk", "openssl"),
          "TLS implementation: `openssl` (netty-tcnative BoringSSL, fails if it does not load), `jdk`, or `auto` (OpenSSL when it loads, else the JDK); the one in use is logged once. The JDK's needs C2 to be fast (not the wrapper's C1-only options: ten times the CPU, docs/PERFORMANCE.md).");
  public static final ConfKey<Boolean> KRYO_REGISTRATION_REQUIRED =
      ConfKey.bool(
          "swarmcast.serializer.kryo.registrationRequired",
          true,
          "Kryo reads and writes only registered classes (the JDK's common collections and arrays, plus serializer.kryo.classesToRegister), so a value cannot name an arbitrary class to instantiate; false lets Kryo write any class's name.");
  public static final ConfKey<String> KRYO_CLASSES =
      ConfKey.string(
          "swarmcast.serializer.kryo.classesToRegister",
          "",
          "Comma-separated class names Kryo registers, in this order (every node must list the same classes in the same order).");

  public static final ConfKey<Integer> UI_PORT =
      ConfKey.integer(
          "swarmcast.ui.port",
          -1,
          -1,
          65535,
          "Port of the node's HTTP server: Prometheus metrics at /metrics and, on the driver, the live swarm page at / (-1: no server; 0: any free port).");
  public static final ConfKey<String> UI_BIND_HOST =
      ConfKey.string(
          "swarmcast.ui.bindHost",
          "127.0.0.1",
          "Address the HTTP server listens on. Loopback by default: the page and metrics carry no authentication, so expose them (e.g. 0.0.0.0) only on a network you trust.");
  public static final ConfKey<Boolean> METRICS_JMX =
      ConfKey.bool(
          "swarmcast.metrics.jmx",
          true,
          "Register each node's metrics as a JMX MBean (io.swarmcast:type=Node,role=...,port=...).");
  public static final ConfKey<Boolean> CLEANER_ENABLED =
      ConfKey.bool(
          "swarmcast.cleaner.enabled",
          true,
          "Destroy a broadcast on the driver and every executor once no handle to it is reachable on the driver.");
  public static final ConfKey<Duration> CLEANER_INTERVAL =
      ConfKey.duration(
          "swarmcast.cleaner.interval",
          "1s",
          "How often the cleaner removes the broadcasts whose handles were collected, in one batch per run.");
  public static final ConfKey<Duration> CLEANER_GC_INTERVAL =
      ConfKey.durationOrForever(
          "swarmcast.cleaner.gcInterval",
          "30m",
          "How often the cleaner asks for a GC (System.gc) while the driver holds broadcasts, so a driver that rarely collects still finds dropped handles ('forever': never).");
  private static final List<ConfKey<?>> KEYS =
      List.of(
          BROADCAST_FACTORY,
          BLOCK_SIZE,
          MIN_BLOCK_SIZE,
          PIECES_PER_EXECUTOR,
          STORAGE_RETAIN_BYTES,
          STORAGE_PRE_TOUCH_BYTES,
          STORAGE_MEMORY_BYTES,
          STORAGE_DIR,
          FILE_PIECE_DIGEST,
          NODE_C1_ONLY,
          NODE_WARM_UP_BYTES,
          COMPRESS,
          SERIALIZER,
          JAVA_FILTER,
          DRIVER_HOST,
          DRIVER_BIND_HOST,
          DRIVER_PORT,
          EXECUTOR_HOST,
          EXECUTOR_BIND_HOST,
          EXECUTOR_PORT,
          EXECUTOR_JOIN_TIMEOUT,
          EXECUTOR_REJOIN,
          FETCH_MAX_IN_FLIGHT,
          FETCH_MAX_PER_PEER,
          FETCH_MAX_FROM_DRIVER,
          FETCH_MAX_BAD_PIECES,
          FETCH_PEER_TIMEOUT,
          TRACKER_NEIGHBOURS,
          DRIVER_SPARE_COPIES,
          DRIVER_MAX_PIECES_IN_FLIGHT,
          UPLOAD_SLOTS,
          UPLOAD_MAX_WAITING,
          NETWORK_TIMEOUT,
          MAX_FRAME_SIZE,
          MAX_CONNECTIONS,
          IDLE_TIMEOUT,
          MAX_BUFFERED_BYTES,
          IO_THREADS,
          NATIVE_TRANSPORT,
          AUTHENTICATE,
          AUTH_SECRET,
          AUTH_SECRET_FILE,
          TLS_ENABLED,
          TLS_CERT_FILE,
          TLS_KEY_FILE,
          TLS_TRUST_FILE,
          TLS_SELF_SIGNED,
          TLS_PROVIDER,
          KRYO_REGISTRATION_REQUIRED,
          KRYO_CLASSES,
          UI_PORT,
          UI_BIND_HOST,
          METRICS_JMX,
          CLEANER_ENABLED,
          CLEANER_INTERVAL,
          CLEANER_GC_INTERVAL);

  private final Map<String, String> settings = new TreeMap<>();

  public SwarmConf() {}

  /** A configuration holding every {@code swarmcast.*} entry of {@code props}. */
  public static SwarmConf fromProperties(Properties props) {
    SwarmConf conf = new SwarmConf();
    for (String name : props.stringPropertyNames()) {
      if (name.startsWith("swarmcast.")) {
        conf.set(name, props.getProperty(name));
      }
    }
    return conf;
  }

  /** Every key Swarmcast reads, in documentation order. */
  public static List<ConfKey<?>> keys() {
    return KEYS;
  }

  /** Sets {@code key} after validating {@code value}; returns this for chaining. */
  public synchronized <T> SwarmConf set(ConfKey<T> key, String value) {
    key.parse(value);
    settings.put(key.name(), value);
    return this;
  }

  /**
   * Sets a key by name; unknown {@code swarmcast.*} names and invalid values throw {@link
   * ConfigException}.
   */
  public synchronized SwarmConf set(String name, String value) {
    ConfKey<?> key =
        KEYS.stream()
            .filter(k -> k.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    new ConfigException(
                        "unknown configuration key '"
                            + name
                            + "'; known keys: "
                            + KEYS.stream().map(ConfKey::name).toList()));
    return set(key, value);
  }

  /** The value of {@code key}: the one set, or its default. */
  public synchronized <T> T get(ConfKey<T> key) {
    String v = settings.get(key.name());
    return v == null ? key.defaultValue() : key.parse(v);
  }

  /** A copy of this configuration, for handing to a node that may be reconfigured independently. */
  public synchronized SwarmConf copy() {
    SwarmConf c = new SwarmConf();
    c.settings.putAll(settings);
    return c;
  }

  @Override
  public synchronized String toString() {
    return "SwarmConf" + settings;
  }
}
