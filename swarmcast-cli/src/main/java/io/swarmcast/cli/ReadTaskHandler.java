package io.swarmcast.cli;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.conf.ByteSize;
import io.swarmcast.node.ExecutorNode;
import io.swarmcast.node.TaskHandler;
import io.swarmcast.swarm.TransferStats;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Executor side of {@link ReadTask}: deserializes the handle through a strict filter, reads the
 * value on the requested number of threads at once, and reports time, bytes by source and the
 * checksum verdict to the driver and, if given a results file, also there ({@link ExecutorReport}),
 * for a demo whose driver may be dead by the time the read ends.
 */
final class ReadTaskHandler implements TaskHandler {
  /** Only the handle's own classes may be deserialized from the driver. */
  static final ObjectInputFilter HANDLE_FILTER =
      ObjectInputFilter.Config.createFilter(
          "maxbytes=16777216;maxdepth=8;maxrefs=64;" + Broadcast.HANDLE_CLASSES + ";!*");

  /**
   * From this size up, every node collects garbage and restarts its heap peak before a broadcast.
   */
  static final long GC_THRESHOLD = 16L << 20;

  private final ExecutorNode node;

  /** Where each read's result is also appended; null for none. */
  private final Path resultsFile;

  /** Where {@link FileTask}s put their files; null to verify them only. */
  private final Path outDir;

  /** Reader threads, reused across tasks (a read may use several at once). */
  private final ExecutorService readers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "swarmcast-reader");
            t.setDaemon(true);
            return t;
          });

  ReadTaskHandler(ExecutorNode node) {
    this(node, null);
  }

  /**
   * A handler that also appends each read's result to {@code resultsFile} (null: only answers the
   * driver).
   */
  ReadTaskHandler(ExecutorNode node, Path resultsFile) {
    this(node, resultsFile, null);
  }

  /**
   * As {@link #ReadTaskHandler(ExecutorNode, java.nio.file.Path)}; files sent to it go to {@code
   * outDir} (null: verified only).
   */
  ReadTaskHandler(ExecutorNode node, Path resultsFile, Path outDir) {
    this.node = node;
    this.resultsFile = resultsFile;
    this.outDir = outDir;
  }

  @Override
  public byte[] handle(byte[] payload) throws Exception {
    if (Arrays.equals(payload, ReadTask.RESET)) {
      collectAndResetPeaks();
      return new byte[0];
    }
    if (Arrays.equals(payload, ReadTask.CPU)) {
      return ByteBuffer.allocate(Long.BYTES).putLong(ProcessCpu.nanos()).array();
    }
    if (Arrays.equals(payload, ReadTask.PID)) {
      return ByteBuffer.allocate(Long.BYTES).putLong(ProcessHandle.current().pid()).array();
    }
    if (FileTask.isFileTask(payload)) {
      FileTask.Result r = FileTask.run(node, payload, outDir);
      System.err.printf(
          Locale.ROOT,
          "%s in %.1f s, %s from the driver and %s from peers: %s%n",
          r.verified() ? "received" : "FAILED",
          r.nanos() / 1e9,
          ByteSize.format(r.fromDriverBytes()),
          ByteSize.format(r.fromPeersBytes()),
          r.detail());
      return r.encode();
    }
    ReadTask task = ReadTask.decode(payload);
    Broadcast<?> b = deserialize(task.handle());
    TransferStats.Counters before = snapshot(b.id());
    long fromDriver0 = before.fromDriverBytes();
    long fromPeers0 = before.fromPeersBytes();
    long corrupt0 = before.corruptPieces();
    long cpu0 = resultsFile == null ? -1 : ProcessCpu.nanos();
    long t0 = System.nanoTime();
    long read = 0;
    String error = "";
    boolean verified = false;
    List<Future<Object>> reads = new ArrayList<>();
    try {
      List<Object> values = new ArrayList<>();
      if (task.threads() == 1) {
        values.add(
            readOnThisThread(b)); // no hand-off to another thread: for small values it would show
      } else {
        for (int i = 0; i < task.threads(); i++) {
          reads.add(readers.submit((Callable<Object>) b::value));
        }
        for (Future<Object> f : reads) {
          values.add(f.get());
        }
      }
      read = System.nanoTime() - t0;
      boolean allMatch = true;
      for (Object v : values) {
        allMatch &= v instanceof byte[] bytes && Arrays.equals(digest(bytes), task.digest());
      }
      verified = allMatch;
      if (!allMatch) {
        error = "value does not match the driver's digest";
      }
    } catch (ExecutionException e) {
      error = String.valueOf(e.getCause().getMessage());
    } finally {
      reads.forEach(f -> f.cancel(true));
    }
    long verify = read == 0 ? 0 : System.nanoTime() - t0 - read;
    TransferStats.Counters after = snapshot(b.id());
    ReadTask.Result result =
        new ReadTask.Result(
            verified,
            read,
            verify,
            after.fromDriverBytes() - fromDriver0,
            after.fromPeersBytes() - fromPeers0,
            peakHeapBytes(),
            after.corruptPieces() - corrupt0,
            error);
    if (resultsFile != null) {
      long cpu1 = ProcessCpu.nanos();
      appendReport(
          new ExecutorReport(
              b.id(),
              node.executorId(),
              cpu0 < 0 || cpu1 < cpu0 ? -1 : cpu1 - cpu0,
              System.currentTimeMillis(),
              result));
    }
    return result.encode();
  }

  /**
   * Appends a report to the results file; a failure is logged, not the task's: the driver still
   * gets the result.
   */
  private void appendReport(ExecutorReport report) {
    try {
      report.appendTo(resultsFile);
    } catch (IOException e) {
      System.err.println(
          "cannot write the result of Broadcast("
              + report.broadcastId()
              + ") to "
              + resultsFile
              + ": "
              + e);
    }
  }

  /** {@code b.value()}, its failure wrapped as the reader threads' would be. */
  private static Object readOnThisThread(Broadcast<?> b) throws ExecutionException {
    try {
      return b.value();
    } catch (RuntimeException
        | Error e) { // e.g. OutOfMemoryError: reported in this executor's result, as from a reader
      // thread
      throw new ExecutionException(e);
    }
  }

  private TransferStats.Counters snapshot(long id) {
    return node.stats().of(id);
  }

  static Broadcast<?> deserialize(byte[] handle) throws IOException, ClassNotFoundException {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(handle))) {
      in.setObjectInputFilter(HANDLE_FILTER);
      Object o = in.readObject();
      if (!(o instanceof Broadcast<?> b)) {
        throw new InvalidClassException(
            "payload is not a broadcast handle: " + o.getClass().getName());
      }
      return b;
    }
  }

  private static final net.jpountz.xxhash.XXHash64 XXH64 = XXHashFactory.fastestInstance().hash64();

  /**
   * XXH64 of {@code bytes}, as 8 bytes. An end-to-end check by a different function than the
   * pieces' CRC32C, and cheap (GB/s): with SHA-256, executors that finished early slowed the others
   * down.
   */
  static byte[] digest(byte[] bytes) {
    long h = XXH64.hash(bytes, 0, bytes.length, 0x5357_4152_4d43_4153L);
    return ByteBuffer.allocate(8).putLong(h).array();
  }

  /**
   * Collects garbage and restarts the heap pools' peak counters, so that the next peak measures one
   * broadcast (with the previous value freed), not every value this JVM ever held.
   */
  static void collectAndResetPeaks() {
    System.gc();
    HEAP_POOLS.forEach(MemoryPoolMXBean::resetPeakUsage);
  }

  /**
   * The heap's memory pools, looked up once: each lookup builds their MXBeans anew, which a 1 KiB
   * broadcast would notice.
   */
  private static final List<MemoryPoolMXBean> HEAP_POOLS =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(pool -> pool.getType() == MemoryType.HEAP)
          .toList();

  /** Highest heap use since the last {@link #collectAndResetPeaks}, summed over the heap pools. */
  static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : HEAP_POOLS) {
      sum += pool.getPeakUsage().getUsed();
    }
    return sum;
  }
}
