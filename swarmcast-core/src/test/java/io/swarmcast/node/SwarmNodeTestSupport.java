package io.swarmcast.node;

/** What several node tests need. */
final class SwarmNodeTestSupport {
  private SwarmNodeTestSupport() {}

  /** {@code handle} after Java serialization, as a task on an executor would receive it. */
  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T handle) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(handle);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
