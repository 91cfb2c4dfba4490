package dev.sundial.cli.client;

import dev.sundial.cli.common.Commands;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** A command that only groups others: without a subcommand it is an input error. */
public abstract class GroupCommand implements Runnable {
  @Spec CommandSpec spec;

  @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  boolean help;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), Commands.MISSING_SUBCOMMAND);
  }
}
