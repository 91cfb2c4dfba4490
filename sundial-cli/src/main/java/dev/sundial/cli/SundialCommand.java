package dev.sundial.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code sundial} command: entry point of the runnable JAR. */
@Command(
    name = "sundial",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A durable execution server for the JVM that speaks the Temporal API.",
    subcommands = {ServerCommand.class, CommandLine.HelpCommand.class})
public final class SundialCommand implements Callable<Integer> {

  static final String MISSING_SUBCOMMAND = "Missing required subcommand";

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), MISSING_SUBCOMMAND);
  }

  /** Builds the command line with the options every entry point shares. */
  public static CommandLine newCommandLine() {
    return new CommandLine(new SundialCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(SundialCommand::handleBadInput);
  }

  /** One clear line per mistake and a pointer to --help, instead of the full usage text. */
  private static int handleBadInput(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("sundial: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    if (MISSING_SUBCOMMAND.equals(ex.getMessage())) {
      cmd.usage(err);
    } else {
      String name = cmd.getCommandSpec().qualifiedName();
      err.println("Try '" + name + " --help' for more information.");
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    int code = newCommandLine().execute(args);
    System.exit(code);
  }
}
