package io.swarmcast.node;

import io.swarmcast.transport.Connection;
import io.swarmcast.transport.Greeting;
import io.swarmcast.transport.HandshakeException;
import io.swarmcast.transport.MessageHandler;
import io.swarmcast.transport.TransportContext;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's way to its driver: registers, and while the driver cannot be reached (not started
 * yet, restarting, a network blip) tries again with capped exponential back-off, 100 ms doubling to
 * 5 s, until a deadline. A driver that answers and refuses (another protocol version, later a wrong
 * secret) is not asked again: that will not change. Logs the first failure and then one line every
 * {@value #LOG_EVERY_SECONDS} s, so a fleet started before its driver says what it waits for
 * without flooding the log. Stateless; blocks the calling thread, never an event loop.
 */
final class DriverJoin {
  private static final Logger LOG = LoggerFactory.getLogger(DriverJoin.class);
  static final long FIRST_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final int LOG_EVERY_SECONDS = 10;

  private DriverJoin() {}

  /**
   * Registers with {@code driver}, retrying until {@code timeout} has passed (a duration of {@code
   * ChronoUnit.FOREVER} never gives up) or {@code stopped} says so; returns the established
   * connection to the driver.
   *
   * @throws IOException naming the driver, the attempts and the last reason, if it gave up
   */
  static Connection join(
      TransportContext transport,
      Endpoint driver,
      Greeting greeting,
      MessageHandler handler,
      Duration timeout,
      BooleanSupplier stopped)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = deadline(start, timeout);
    long backoff = FIRST_BACKOFF_MILLIS;
    long nextLog = start;
    int attempts = 0;
    while (true) {
      attempts++;
      IOException failure;
      try {
        return attempt(transport, driver, greeting, handler);
      } catch (HandshakeException e) {
        if (e.refused()) {
          throw new IOException(
              "driver " + driver + " refused this executor: " + e.getMessage(), e);
        }
        failure = e;
      } catch (IOException e) {
        failure = e;
      }
      long now = System.nanoTime();
      if (stopped.getAsBoolean()) {
        throw new IOException("stopped while joining driver " + driver, failure);
      }
      if (now - deadline >= 0) {
        throw new IOException(
            "could not join driver "
                + driver
                + " within "
                + describe(timeout)
                + " ("
                + attempts
                + " attempts): "
                + failure.getMessage(),
            failure);
      }
      if (now - nextLog >= 0) {
        LOG.info(
            "waiting for driver {} (attempt {}, {} s so far): {}",
            driver,
            attempts,
            TimeUnit.NANOSECONDS.toSeconds(now - start),
            failure.getMessage());
        nextLog = now + TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS);
      }
      Thread.sleep(Math.max(1, Math.min(backoff, TimeUnit.NANOSECONDS.toMillis(deadline - now))));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private static Connection attempt(
      TransportContext transport, Endpoint driver, Greeting greeting, MessageHandler handler)
      throws IOException, InterruptedException {
    long timeout = transport.timeout().toMillis();
    CompletableFuture<Connection> connecting =
        transport.connect(driver.host(), driver.port(), greeting, handler);
    try {
      // The handshake is the registration: the connection comes back once the driver gave us an id.
      return connecting.get(timeout, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      // Given up on: a registration that completes later must not leave a ghost executor on the
      // driver.
      connecting.thenAccept(Connection::close);
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      throw new IOException(
          "driver " + driver + " did not answer registration within " + timeout + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(
          "cannot register with driver " + driver + ": " + cause.getMessage(), cause);
    }
  }

  private static long deadline(long start, Duration timeout) {
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException forever) {
      nanos = Long.MAX_VALUE / 2;
    }
    return start + Math.min(nanos, Long.MAX_VALUE / 2);
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
