package io.swarmcast.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.swarmcast.cli.SwarmcastCli;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The whole command, {@code bench} included (swarmcast-bench's, found on the class path): every
 * command's {@code --help} fits an 80-column terminal without a line wrapped mid-sentence, and
 * every example it shows is a command line the CLI accepts ({@code HelpExamplesIT} runs the local
 * ones).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelpTest {
  /** Each command's help text, the top one under "". */
  static Map<String, String> helps() {
    CommandLine top = SwarmcastCli.commandLine();
    Map<String, String> helps = new LinkedHashMap<>();
    helps.put("", top.getUsageMessage(CommandLine.Help.Ansi.OFF));
    top.getSubcommands()
        .forEach((name, sub) -> helps.put(name, sub.getUsageMessage(CommandLine.Help.Ansi.OFF)));
    return helps;
  }

  /**
   * The example command lines of a help text: the lines after "Examples:" that start with
   * "swarmcast ".
   */
  static List<List<String>> examples(String help) {
    List<List<String>> out = new ArrayList<>();
    boolean inExamples = false;
    for (String line : help.lines().toList()) {
      if (line.strip().equals("Examples:")) {
        inExamples = true;
      } else if (inExamples && line.strip().startsWith("swarmcast ")) {
        List<String> args = new ArrayList<>(List.of(line.strip().split("\\s+")));
        args.remove(0);
        out.add(args);
      }
    }
    return out;
  }

  @Test
  void everyCommandIsThereInItsPlace() {
    assertThat(SwarmcastCli.commandLine().getSubcommands().keySet())
        .containsExactly(
            "demo", "driver", "executor", "send", "status", "bench", "simulate", "help");
  }

  @Test
  void everyHelpFitsEightyColumns() {
    helps()
        .forEach(
            (name, help) ->
                assertThat(help.lines())
                    .as("swarmcast %s --help", name)
                    .allSatisfy(
                        line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80)));
    // Picocli wraps a description or footer line longer than the terminal at column 0, mid-sentence
    // ("torrent" alone on a line): each must fit as written.
    List<CommandLine> commands = new ArrayList<>(List.of(SwarmcastCli.commandLine()));
    commands.addAll(commands.get(0).getSubcommands().values());
    for (CommandLine c : commands) {
      List<String> lines =
          new ArrayList<>(List.of(c.getCommandSpec().usageMessage().description()));
      lines.addAll(List.of(c.getCommandSpec().usageMessage().footer()));
      assertThat(lines)
          .as("description and footer of swarmcast %s", c.getCommandName())
          .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    }
  }

  @Test
  void everyExampleIsACommandLineTheCliAccepts() {
    List<List<String>> all = new ArrayList<>();
    helps().values().forEach(h -> all.addAll(examples(h)));
    assertThat(all).hasSizeGreaterThanOrEqualTo(12);
    for (List<String> args : all) {
      assertThatCode(
              () ->
                  SwarmcastCli.commandLine()
                      .setCaseInsensitiveEnumValuesAllowed(true)
                      .parseArgs(args.toArray(new String[0])))
          .as("swarmcast %s", String.join(" ", args))
          .doesNotThrowAnyException();
    }
  }
}
