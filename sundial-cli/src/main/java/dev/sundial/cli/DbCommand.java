package dev.sundial.cli;

import dev.sundial.cli.common.Commands;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sundial db ...}: database administration. */
@Command(
    name = "db",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Manage Sundial's database.",
    subcommands = {DbMigrateCommand.class})
final class DbCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), Commands.MISSING_SUBCOMMAND);
  }
}
