package io.swarmcast.cli;

import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code swarmcast} command: {@code driver}, {@code executor}, {@code send}, {@code status},
 * {@code demo}, {@code bench} (from swarmcast-bench, a {@link SwarmcastSubcommand}) and {@code
 * simulate}.
 */
@Command(
    name = "swarmcast",
    mixinStandardHelpOptions = true,
    version = "swarmcast 0.1.0",
    description = {
      "Broadcast large read-only values from one JVM (the driver) to many executors.",
      "The torrent factory cuts a value into checksummed pieces that executors fetch",
      "from the driver and from each other, so the driver sends about one copy",
      "however many executors there are."
    },
    footer = {
      "",
      "Examples:",
      "  # 4 local executor processes and 64 MiB, torrent; then 8, 256 MiB, direct",
      "  swarmcast demo",
      "  swarmcast demo --executors 8 --size 256m --factory direct --json",
      "  # a cluster: the driver, then an executor on each host",
      "  swarmcast driver --bind 10.0.0.1:7077 --executors 16 --size 1g",
      "  swarmcast executor --driver 10.0.0.1:7077 --bind 10.0.0.2",
      "  # files: each executor writes them to its --out DIR",
      "  swarmcast executor --driver 10.0.0.1:7077 --bind 10.0.0.2 --out /data/in",
      "  swarmcast send --bind 10.0.0.1:7077 --executors 8 model.bin",
      "  # watch it: the swarm page is then at http://127.0.0.1:4040/",
      "  swarmcast driver --bind 10.0.0.1:7077 --executors 16 --ui-port 4040",
      "  swarmcast status --driver 127.0.0.1:4040",
      "  # benchmarks: an emulated cluster of network namespaces (needs root)",
      "  swarmcast bench --executors 1,2,4,8 --size 128m --rate 100mbit",
      "  swarmcast simulate --executors 10000 --size 128m --rate 10gbit"
    })
public final class SwarmcastCli {
  private SwarmcastCli() {}

  public static void main(String[] args) {
    ProcessJit.apply();
    System.exit(run(args));
  }

  /**
   * The command with its subcommands: this module's, then each {@link SwarmcastSubcommand} on the
   * class path (in the order the service files list them), then {@code simulate} and {@code help}.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(SwarmcastCli.class);
    for (Class<?> c :
        List.of(
            DemoCommand.class,
            DriverCommand.class,
            ExecutorCommand.class,
            SendCommand.class,
            StatusCommand.class)) {
      cl.addSubcommand(c);
    }
    ServiceLoader.load(SwarmcastSubcommand.class, SwarmcastCli.class.getClassLoader())
        .forEach(cl::addSubcommand);
    cl.addSubcommand(SimulateCommand.class);
    cl.addSubcommand(CommandLine.HelpCommand.class);
    return cl;
  }

  /** Runs the command line and returns its exit code (2 for usage errors), without exiting. */
  public static int run(String... args) {
    return commandLine()
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, cmd, parsed) -> {
              // Configuration and runtime errors get one clear line; the stack trace only with
              // -Dswarmcast.debug.
              cmd.getErr().println("swarmcast " + cmd.getCommandName() + ": error: " + describe(e));
              if (Boolean.getBoolean("swarmcast.debug")) {
                e.printStackTrace(cmd.getErr());
              }
              return e instanceof IllegalArgumentException ? 2 : 1;
            })
        .execute(args);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
