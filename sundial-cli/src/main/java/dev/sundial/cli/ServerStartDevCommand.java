package dev.sundial.cli;

import picocli.CommandLine.Command;

/**
 * {@code sundial server start-dev}: {@code server start} under the name and defaults of {@code
 * temporal server start-dev}: without --db-filename (or --db) the database lives in memory and
 * is gone when the server stops.
 */
@Command(
    name = "start-dev",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Start a development server as 'temporal server start-dev' does: the same flags as"
          + " 'server start', and an in-memory database unless --db-filename is given.",
      "Example: sundial server start-dev --search-attribute CustomerId=Keyword -n orders"
    })
final class ServerStartDevCommand extends ServerStartCommand {
  @Override
  boolean devMode() {
    return true;
  }
}
