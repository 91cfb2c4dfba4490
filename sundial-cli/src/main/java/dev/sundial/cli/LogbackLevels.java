package dev.sundial.cli;


import ch.qos.logback.classic.Logger;
import dev.sundial.server.logging.LogLevels;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** The standalone server's log levels, changed at run time through the admin API (Logback). */
final class LogbackLevels implements LogLevels {
  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** Logback's levels when it is SLF4J's backend, else null (the admin API then says so). */
  static LogLevels ifLogback() {
    return LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger
        ? new LogbackLevels() : null;
  }

  @Override
  public LogLevels.Level get(String logger) {
    return levels(logger(logger));
  }

  @Override
  public LogLevels.Level set(String logger, String level) {
    String wanted = level.strip().toUpperCase(Locale.ROOT);
    if (!wanted.isEmpty() && !LEVELS.contains(wanted)) {
      throw new IllegalArgumentException("level must be one of TRACE, DEBUG, INFO, WARN, ERROR,"
          + " OFF (or empty to inherit) but was '" + level + "'");
    }
    Logger l = logger(logger);
    if (wanted.isEmpty() && l.getName().equals(Logger.ROOT_LOGGER_NAME)) {
      throw new IllegalArgumentException("the root logger cannot inherit: give it a level");
    }
    l.setLevel(wanted.isEmpty() ? null : ch.qos.logback.classic.Level.toLevel(wanted));
    return levels(l);
  }

  private static Logger logger(String name) {
    String n = name == null || name.isBlank() || name.equalsIgnoreCase("root")
        ? Logger.ROOT_LOGGER_NAME : name.strip();
    return (Logger) LoggerFactory.getLogger(n);
  }

  private static LogLevels.Level levels(Logger l) {
    return new LogLevels.Level(l.getName(), l.getLevel() == null ? "" : l.getLevel().toString(),
        l.getEffectiveLevel().toString());
  }
}
