package example;

import io.swarmcast.broadcast.Broadcast;
import io.swarmcast.spark.SwarmcastSpark;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Joins a stream of ids against a lookup table that every executor holds in memory: the table goes
 * out once through Swarmcast instead of {@code sc.broadcast}. Run it with spark-submit (see
 * README.md).
 *
 * <p>Arguments: {@code [entries] [records]}, defaults 200000 and 2000000.
 */
public final class LookupTableJob {
  public static void main(String[] args) {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int records = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    try (JavaSparkContext sc =
        new JavaSparkContext(new SparkConf().setAppName("swarmcast-lookup-table"))) {
      // The table: sku-N -> a product name. Any Serializable value will do.
      HashMap<String, String> table = new HashMap<>();
      for (int i = 0; i < entries; i++) {
        table.put("sku-" + i, "product #" + i);
      }
      Broadcast<Map<String, String>> lookup =
          SwarmcastSpark.broadcast(sc, table); // was: sc.broadcast(table)

      List<Integer> ids = IntStream.range(0, 64).boxed().toList();
      JavaRDD<String> skus =
          sc.parallelize(ids, 64)
              .flatMap(
                  p ->
                      IntStream.range(0, records / 64)
                          .mapToObj(i -> "sku-" + ((p * 7919L + i * 31L) % (entries * 2L)))
                          .iterator());
      // value() on the executor: fetched once per executor JVM, then the same object for every task
      // there.
      long resolved = skus.filter(sku -> lookup.value().containsKey(sku)).count();

      System.out.println(
          "resolved "
              + resolved
              + " of "
              + skus.count()
              + " records against "
              + entries
              + " entries");
      lookup.destroy(); // frees the pieces on the driver and every executor
    }
  }
}
