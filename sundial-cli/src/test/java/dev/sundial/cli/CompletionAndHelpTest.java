package dev.sundial.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sundial.cli.CliHarness.Run;
import dev.sundial.cli.client.ClientCommand;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command has --help with an example; completion scripts for bash and zsh. */
class CompletionAndHelpTest {
  private static void collect(CommandLine c, List<CommandLine> all) {
    all.add(c);
    c.getSubcommands().values().stream().distinct().forEach(s -> collect(s, all));
  }

  @Test
  void everyCommandHasHelpAndEveryClientCommandAnExample() {
    List<CommandLine> all = new ArrayList<>();
    collect(SundialCommand.newCommandLine(), all);
    assertThat(all.size()).isGreaterThan(50);
    for (CommandLine c : all) {
      if (c.getCommandName().equals("help")) continue;
      List<String> args = new ArrayList<>(List.of(c.getCommandSpec().qualifiedName(" ").split(" ")));
      args.remove(0); // "sundial"
      args.add("--help");
      Run r = CliHarness.run(CliHarness.env(), args.toArray(String[]::new));
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: sundial");
      boolean leaf = c.getSubcommands().isEmpty();
      if (leaf && c.getCommandSpec().userObject() instanceof ClientCommand) {
        assertThat(r.out()).as(String.join(" ", args) + " has an example").contains("Example");
      }
    }
    Run top = CliHarness.run(CliHarness.env(), "--help");
    assertThat(top.out()).contains("workflow").contains("schedule").contains("operator")
        .contains("activity").contains("batch").contains("task-queue").contains("server");
  }

  @Test
  void completionScripts() {
    Run bash = CliHarness.run(CliHarness.env(), "completion", "bash");
    assertThat(bash.code()).isZero();
    assertThat(bash.out()).contains("complete -F").contains("signal-with-start");
    Run zsh = CliHarness.run(CliHarness.env(), "completion", "zsh");
    assertThat(zsh.out()).startsWith("#compdef sundial").contains("bashcompinit");
    Run fish = CliHarness.run(CliHarness.env(), "completion", "fish");
    assertThat(fish.code()).isEqualTo(2);
  }
}
