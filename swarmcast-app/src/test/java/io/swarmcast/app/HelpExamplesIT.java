package io.swarmcast.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.swarmcast.cli.SwarmcastCli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of {@code swarmcast --help} that run on one machine, run as written, with short
 * sizes: the demos (real executor processes) and the simulation (fewer executors). The others need
 * hosts ({@code driver}, {@code executor}, {@code send}, {@code status}: their paths are the demo's
 * and {@code SendFileIT}'s and {@code StatusIT}'s) or root ({@code bench}: {@code
 * BenchLoopbackIT}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HelpExamplesIT {
  @TempDir Path tmp;

  @Test
  void theLocalExamplesOfTheHelpRun() {
    List<List<String>> ran = new ArrayList<>();
    for (List<String> example : HelpTest.examples(HelpTest.helps().get(""))) {
      String command = example.get(0);
      if (!command.equals("demo") && !command.equals("simulate")) {
        continue;
      }
      List<String> args = shortened(example);
      if (command.equals("simulate")) {
        args.addAll(List.of("--out", tmp.resolve("sim").toString()));
      }
      int exit = SwarmcastCli.run(args.toArray(new String[0]));
      assertThat(exit).as("swarmcast %s", String.join(" ", args)).isZero();
      ran.add(args);
    }
    assertThat(ran).hasSize(3);
  }

  /** The example with short sizes: at most 16m per value, at most 100 simulated executors. */
  private static List<String> shortened(List<String> example) {
    List<String> args = new ArrayList<>(example);
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--size")) {
        args.set(i + 1, "16m");
      }
      if (args.get(0).equals("simulate") && args.get(i).equals("--executors")) {
        args.set(i + 1, "100");
      }
    }
    if (example.equals(List.of("demo"))) {
      args.addAll(List.of("--size", "16m"));
    }
    return args;
  }
}
