package example;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example's stand-in for an application's own messaging: files that appear in a shared
 * directory.
 */
final class Shared {
  private Shared() {}

  /** Waits up to a minute for {@code file} to appear, and returns it. */
  static Path await(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("nothing at " + file + " after 60 s");
      }
      Thread.sleep(50);
    }
    return file;
  }
}
