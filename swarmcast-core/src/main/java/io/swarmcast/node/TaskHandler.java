package io.swarmcast.node;

/**
 * Runs the application's requests that the driver sends with {@link DriverNode#runTask}. Called on
 * a worker thread of the executor, never on an event loop, so it may block (for instance in {@code
 * Broadcast.value()}). An exception becomes a failure the driver's future reports.
 */
@FunctionalInterface
public interface TaskHandler {
  byte[] handle(byte[] payload) throws Exception;
}
