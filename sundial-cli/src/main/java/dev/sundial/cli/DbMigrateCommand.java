package dev.sundial.cli;

import dev.sundial.cli.SettingSources.Setting;
import dev.sundial.cli.common.Commands;
import dev.sundial.server.StoreOptions;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code sundial db migrate}: applies the pending schema migrations and prints the version, so
 * that servers can then run with {@code --no-migrate} (e.g. under a role without DDL rights).
 * Exit status 0 on success, 1 when the database refuses, 2 for bad flags.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Apply pending schema migrations to the database and print its schema version.",
      "The database is chosen as for 'server start' (flags, then SUNDIAL_DB, then --config)."
    })
final class DbMigrateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin DatabaseOptions database = new DatabaseOptions();

  @Option(
      names = "--log-level",
      paramLabel = "<level>",
      description = "Log level: debug (also prints stack traces), info, warn or error."
          + " Default: warn.")
  String logLevel;

  @Override
  public Integer call() {
    Map<String, String> env = Commands.env(spec);
    StoreOptions store;
    LogLevel level;
    try {
      store = resolve(env);
      level = resolveLogLevel(env);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    level.apply();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      int version = store.migrate();
      out.println("Database " + store.location() + " is at schema version " + version + ".");
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      err.println(
          "sundial: cannot migrate " + store.location() + ": " + Commands.describe(e));
      if (level == LogLevel.DEBUG) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }
  }

  /** The database the flags, environment and config file select. */
  StoreOptions resolve(Map<String, String> env) {
    return DatabaseOptions.resolve(sources(env), env);
  }

  private SettingSources sources(Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>(database.flags());
    DatabaseOptions.putIfGiven(flags, "log-level", logLevel);
    return new SettingSources(flags, env, database.config);
  }

  private LogLevel resolveLogLevel(Map<String, String> env) {
    Setting s = sources(env).get("log-level");
    if (s == null) {
      return LogLevel.WARN;
    }
    try {
      return new LogLevel.Converter().convert(s.value());
    } catch (TypeConversionException e) {
      throw new IllegalArgumentException(s.origin() + ": " + e.getMessage());
    }
  }
}
