package io.swarmcast.node;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

/** What several node tests need. */
final class SwarmNodeTestSupport {
  private SwarmNodeTestSupport() {}

  /** {@code handle} after Java serialization, as a task on an executor would receive it. */
  @SuppressWarnings("unchecked")
  static <T> T roundTrip(T handle) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(handle);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
