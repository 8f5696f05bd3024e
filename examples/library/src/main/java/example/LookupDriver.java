package example;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.broadcast.BroadcastManager;
import io.swarmcast.conf.SwarmConf;
import io.swarmcast.security.SecurityManager;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The driver: broadcasts a lookup table, hands its handle to the executors, waits for each
 * executor's answer, then destroys the broadcast everywhere. The application's own channel to its
 * executors is a shared directory here; an RPC or a task would do as well, since the handle is
 * {@code Serializable}.
 *
 * <p>Arguments: {@code HOST PORT DIR EXECUTORS}, e.g. {@code 127.0.0.1 7077 /tmp/lookup 2}.
 */
public final class LookupDriver {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    String port = args[1];
    Path dir = Path.of(args[2]);
    int executors = Integer.parseInt(args[3]);

    SwarmConf conf =
        new SwarmConf().set(SwarmConf.DRIVER_HOST, host).set(SwarmConf.DRIVER_PORT, port);
    try (BroadcastManager driver = new BroadcastManager(true, conf, new SecurityManager(conf))) {
      // The value: sku-N -> a product name. Any Serializable value will do.
      HashMap<String, String> table = new HashMap<>();
      for (int i = 0; i < 200_000; i++) {
        table.put("sku-" + i, "product #" + i);
      }
      Broadcast<Map<String, String>> lookup = driver.newBroadcast(table, false);

      // Ship the handle (a few hundred bytes: id, driver address, piece checksums), not the table.
      Path handle = dir.resolve("lookup.handle");
      Path partial = dir.resolve("lookup.handle.partial");
      try (OutputStream file = Files.newOutputStream(partial);
          ObjectOutputStream out = new ObjectOutputStream(file)) {
        out.writeObject(lookup);
      }
      Files.move(
          partial, handle, StandardCopyOption.ATOMIC_MOVE); // executors never see half a handle

      for (int i = 1; i <= executors; i++) {
        System.out.println(
            Files.readString(Shared.await(dir.resolve("executor-" + i + ".answer"))));
      }
      lookup.destroy(); // frees the pieces on the driver and on every executor still running
      System.out.println("driver: destroyed " + lookup);
    }
  }
}
