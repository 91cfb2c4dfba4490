package dev.sundial.cli;

import dev.sundial.cli.common.Commands;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sundial server ...}: commands that run a server. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run a Sundial server.",
    subcommands = {ServerStartCommand.class, ServerStartDevCommand.class, ServerStatusCommand.class})
final class ServerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), Commands.MISSING_SUBCOMMAND);
  }
}
