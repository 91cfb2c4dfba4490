package dev.sundial.cli;

import dev.sundial.cli.activity.ActivityCommands;
import dev.sundial.cli.audit.AuditCommand;
import dev.sundial.cli.common.Commands;
import dev.sundial.cli.operator.OperatorCommand;
import dev.sundial.cli.schedule.ScheduleCommands;
import dev.sundial.cli.workflow.BatchCommands;
import dev.sundial.cli.workflow.TaskQueueCommands;
import dev.sundial.cli.workflow.WorkflowCommand;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** The {@code sundial} command: entry point of the runnable JAR. */
@Command(
    name = "sundial",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A durable execution server for the JVM that speaks the Temporal API.",
    subcommands = {ServerCommand.class, WorkflowCommand.class,
        ActivityCommands.class, ScheduleCommands.class,
        BatchCommands.class, TaskQueueCommands.class,
        OperatorCommand.class, AuditCommand.class, DbCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class})
public final class SundialCommand implements Callable<Integer>, Commands.EnvironmentRoot {

  @Spec CommandSpec spec;

  /** The environment the subcommands read (SUNDIAL_DB, ...); tests pass their own. */
  private final Map<String, String> env;

  public SundialCommand() {
    this(System.getenv());
  }

  SundialCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public Map<String, String> environment() {
    return env;
  }

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), Commands.MISSING_SUBCOMMAND);
  }

  /** Builds the command line with the options every entry point shares. */
  public static CommandLine newCommandLine() {
    return newCommandLine(System.getenv());
  }

  /** The command line with a given environment instead of the process's. */
  static CommandLine newCommandLine(Map<String, String> env) {
    return new CommandLine(new SundialCommand(env))
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(SundialCommand::handleBadInput);
  }

  /** One clear line per mistake and a pointer to --help, instead of the full usage text. */
  private static int handleBadInput(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("sundial: " + ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    if (Commands.MISSING_SUBCOMMAND.equals(ex.getMessage())) {
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
