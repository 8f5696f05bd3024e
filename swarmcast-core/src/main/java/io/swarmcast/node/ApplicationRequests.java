package io.swarmcast.node;

import io.swarmcast.protocol.Failure;
import io.swarmcast.protocol.RunTask;
import io.swarmcast.protocol.TaskResult;
import io.swarmcast.transport.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's own requests from the driver to an executor, carried over Swarmcast's
 * connection for applications that have no RPC of their own (the command line's demo and benchmarks
 * ship broadcast handles this way). Not part of broadcasting: the nodes only pass the two messages
 * through.
 *
 * <p>Mechanism: the driver sends {@link RunTask} ({@link #call}); the executor runs the payload
 * through the application's {@link TaskHandler} on a worker thread of its own, never an event loop,
 * since a task may block (reading a broadcast does), and answers {@link TaskResult}, or {@link
 * Failure} with the handler's exception. A task that arrives before the application installed its
 * handler (the driver knows an executor as soon as it registered) waits for it up to {@code
 * handlerWait}.
 *
 * <p>Thread-safe. {@link #close()} stops the worker threads.
 */
final class ApplicationRequests implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationRequests.class);

  private final Duration handlerWait;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "swarmcast-task");
            t.setDaemon(true);
            return t;
          });
  private final CountDownLatch handlerSet = new CountDownLatch(1);
  private volatile TaskHandler handler;

  ApplicationRequests(Duration handlerWait) {
    this.handlerWait = handlerWait;
  }

  /** Installs the executor's handler; tasks waiting for one run now. */
  void setHandler(TaskHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    handlerSet.countDown();
  }

  /**
   * Driver side: sends {@code payload} to the executor on {@code to}. No deadline (a task may take
   * as long as it needs); the future fails only if the executor fails the task or the connection is
   * lost.
   */
  CompletableFuture<byte[]> call(Connection to, byte[] payload) {
    return to.request(id -> new RunTask(id, payload), Duration.ZERO, TaskResult.class)
        .thenApply(m -> ((TaskResult) m).payload());
  }

  /** Executor side: runs {@code task} on a worker thread and answers it on {@code from}. */
  void run(Connection from, RunTask task) {
    workers.execute(
        () -> {
          try {
            if (!handlerSet.await(handlerWait.toMillis(), TimeUnit.MILLISECONDS)) {
              throw new UnsupportedOperationException(
                  "this executor runs no tasks (no TaskHandler installed)");
            }
            from.send(new TaskResult(task.requestId(), handler.handle(task.payload())));
          } catch (Exception | Error e) {
            LOG.warn("task {} failed", task.requestId(), e);
            from.send(
                new Failure(
                    task.requestId(), e.getClass().getSimpleName() + ": " + e.getMessage()));
          }
        });
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
