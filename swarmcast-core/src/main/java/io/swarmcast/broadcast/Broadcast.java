package io.swarmcast.broadcast;

import java.io.Serializable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only value that the driver made available to every executor: the handle an application
 * ships to executors (it is small and {@link Serializable}) and on which they call {@link
 * #value()}.
 *
 * <p>The public methods check that the broadcast is still valid and delegate to the
 * implementation's {@link #getValue()}, {@link #doUnpersist(boolean)} and {@link
 * #doDestroy(boolean)}. After {@link #destroy()} every use throws a {@link BroadcastException}
 * naming the code that destroyed it.
 *
 * <p>Thread-safe: {@code value()} may be called from many threads at once; implementations fetch
 * once.
 *
 * @param <T> the type of the broadcast value
 */
public abstract class Broadcast<T> implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * The classes a handle's serialized form holds, as an {@link java.io.ObjectInputFilter} pattern:
   * put it before a final {@code !*} to admit handles and nothing else, e.g. {@code
   * ObjectInputFilter.Config.createFilter("maxdepth=8;" + Broadcast.HANDLE_CLASSES + ";!*")}.
   */
  public static final String HANDLE_CLASSES =
      "io.swarmcast.broadcast.*;io.swarmcast.node.Endpoint;io.swarmcast.swarm.FetchMode;"
          + "java.lang.Record;java.lang.Number;java.lang.Long;java.lang.Enum;[I;[B";

  private static final Logger LOG = LoggerFactory.getLogger(Broadcast.class);

  private final long id;
  private volatile boolean valid = true;
  private volatile String destroySite = "";

  /**
   * For a {@link BroadcastFactory}'s own broadcasts.
   *
   * @param id the id {@link BroadcastManager} passed to the factory
   */
  protected Broadcast(long id) {
    this.id = id;
  }

  /** The id the {@link BroadcastManager} gave this broadcast, unique per driver. */
  public final long id() {
    return id;
  }

  /**
   * The broadcast value; on an executor, fetched on first use and cached by its node.
   *
   * @return the value (for a file broadcast, the path of a local, read-only copy)
   * @throws BroadcastException if the broadcast was destroyed (naming where), or cannot be fetched:
   *     the message says why
   */
  public final T value() {
    assertValid();
    return getValue();
  }

  /**
   * Asynchronously deletes the executors' cached copies. A later {@link #value()} on an executor
   * fetches the value again.
   */
  public final void unpersist() {
    unpersist(false);
  }

  /**
   * Deletes the executors' cached copies; if {@code blocking}, waits until every executor
   * confirmed.
   *
   * @param blocking wait for every executor's confirmation
   */
  public final void unpersist(boolean blocking) {
    assertValid();
    doUnpersist(blocking);
  }

  /**
   * Destroys all data and metadata of this broadcast, on the executors and the driver, and waits
   * until done. It cannot be used again.
   */
  public final void destroy() {
    destroy(true);
  }

  final void destroy(boolean blocking) {
    assertValid();
    valid = false;
    destroySite = CallSite.capture();
    LOG.info("destroying {} (from {})", this, destroySite);
    doDestroy(blocking);
  }

  /**
   * False once destroyed: through this handle, or anywhere, once this JVM's node has heard of it
   * (an executor holding a handle shipped before the destroy learns it with the removal).
   */
  public final boolean isValid() {
    return valid && destroyedElsewhereAt() == null;
  }

  /**
   * Where this broadcast was destroyed through another handle, if this JVM's node has heard of it;
   * null if not. The default knows of no other handle.
   */
  protected String destroyedElsewhereAt() {
    return null;
  }

  /** Where this handle was destroyed, or "" if it was not (through this handle). */
  protected final String destroySite() {
    return destroySite;
  }

  /** Produces the value; called by {@link #value()} on a valid broadcast. */
  protected abstract T getValue();

  /**
   * Removes the executors' copies.
   *
   * @param blocking wait until every executor has dropped its copy
   */
  protected abstract void doUnpersist(boolean blocking);

  /**
   * Removes every copy, the driver's included.
   *
   * @param blocking wait until every executor has dropped its copy
   */
  protected abstract void doDestroy(boolean blocking);

  /** Throws if this broadcast was destroyed, naming the call site of {@code destroy}. */
  protected final void assertValid() {
    if (!valid) {
      throw new BroadcastException(
          "Attempted to use " + this + " after it was destroyed (" + destroySite + ")");
    }
    String elsewhere = destroyedElsewhereAt();
    if (elsewhere != null) {
      throw new BroadcastException(
          "Attempted to use " + this + " after it was destroyed (" + elsewhere + ")");
    }
  }

  @Override
  public String toString() {
    return "Broadcast(" + id + ")";
  }
}
