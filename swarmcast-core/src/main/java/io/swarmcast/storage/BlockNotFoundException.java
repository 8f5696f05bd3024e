package io.swarmcast.storage;

/** A block that should be here is not: removed, never stored, or unknown to the node asked. */
public final class BlockNotFoundException extends RuntimeException {
  public BlockNotFoundException(String message) {
    super(message);
  }
}
