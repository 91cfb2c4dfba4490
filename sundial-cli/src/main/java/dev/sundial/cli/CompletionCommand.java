package dev.sundial.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sundial completion bash|zsh}: a shell completion script, as {@code temporal completion}. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a shell completion script for bash or zsh.",
    footer = {"", "Examples:", "  source <(./sundial completion bash)",
        "  ./sundial completion zsh > \"${fpath[1]}/_sundial\""})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<shell>", description = "bash or zsh.")
  String shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("sundial", SundialCommand.newCommandLine());
    switch (shell) {
      case "bash" -> spec.commandLine().getOut().print(script);
      // picocli's script is bash; zsh runs it through its bash completion layer.
      case "zsh" -> spec.commandLine().getOut().print(
          "#compdef sundial\nautoload -U +X bashcompinit && bashcompinit\n" + script);
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "<shell> must be bash or zsh but was '" + shell + "'");
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
