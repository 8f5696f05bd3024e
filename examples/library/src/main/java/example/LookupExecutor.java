package example;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * An executor: joins the driver, reads the handle the driver shipped, and looks a key up in the
 * table. {@code value()} fetches the table's pieces once per JVM, from the driver and (for values
 * of more than a few MiB) from the other executors. Start one per JVM (a JVM holds one node).
 *
 * <p>Arguments: {@code HOST PORT DIR ID}, the driver's address and directory, and this executor's
 * number.
 */
public final class LookupExecutor {
  /** What a handle may contain: Swarmcast's handle classes and a few JDK types, nothing else. */
  private static final ObjectInputFilter HANDLES =
      ObjectInputFilter.Config.createFilter("maxdepth=8;" + Broadcast.HANDLE_CLASSES + ";!*");

  public static void main(String[] args) throws Exception {
    String host = args[0];
    String port = args[1];
    Path dir = Path.of(args[2]);
    int id = Integer.parseInt(args[3]);

    // The same keys as the driver's: they name the driver to join.
    SwarmConf conf =
        new SwarmConf().set(SwarmConf.DRIVER_HOST, host).set(SwarmConf.DRIVER_PORT, port);
    try (BroadcastManager executor = new BroadcastManager(false, conf, new SecurityManager(conf))) {
      // Once this JVM's node exists, a handle read here finds it.
      Broadcast<Map<String, String>> lookup;
      try (InputStream file = Files.newInputStream(Shared.await(dir.resolve("lookup.handle")));
          ObjectInputStream in = new ObjectInputStream(file)) {
        in.setObjectInputFilter(HANDLES);
        @SuppressWarnings("unchecked")
        Broadcast<Map<String, String>> read = (Broadcast<Map<String, String>>) in.readObject();
        lookup = read;
      }

      Map<String, String> table = lookup.value(); // the whole table, as the driver built it
      String answer =
          "executor " + id + ": " + table.size() + " entries, sku-42 is " + table.get("sku-42");

      Path partial = dir.resolve("executor-" + id + ".answer.partial");
      Files.writeString(partial, answer);
      Files.move(
          partial, dir.resolve("executor-" + id + ".answer"), StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
