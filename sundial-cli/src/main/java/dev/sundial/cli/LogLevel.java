package dev.sundial.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code --log-level} values, applied to Logback's root logger at start. */
enum LogLevel {
  DEBUG(Level.DEBUG),
  INFO(Level.INFO),
  WARN(Level.WARN),
  ERROR(Level.ERROR);

  /** Loggers that logback.xml keeps quieter than the root; never made chattier than configured. */
  private static final String[] QUIET_LOGGERS = {"io.grpc", "io.netty", "io.perfmark"};

  private final Level level;

  LogLevel(Level level) {
    this.level = level;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Sets the root level. Loggers that logback.xml quietens (gRPC, Netty) stay at their own level
   * unless the requested level is even stricter. A no-op when Logback is not the SLF4J backend.
   */
  void apply() {
    if (!(LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)) {
      return;
    }
    root.setLevel(level);
    for (String name : QUIET_LOGGERS) {
      if (LoggerFactory.getLogger(name) instanceof Logger quiet) {
        Level configured = quiet.getEffectiveLevel();
        if (level.isGreaterOrEqual(configured)) {
          quiet.setLevel(level);
        }
      }
    }
  }

  /** Case-insensitive conversion with an error message naming the allowed values. */
  static final class Converter implements ITypeConverter<LogLevel> {
    @Override
    public LogLevel convert(String value) {
      for (LogLevel candidate : values()) {
        if (candidate.name().equalsIgnoreCase(value.trim())) {
          return candidate;
        }
      }
      throw new TypeConversionException(
          "expected one of "
              + Arrays.stream(values()).map(LogLevel::toString).collect(Collectors.joining("|"))
              + " but was '"
              + value
              + "'");
    }
  }
}
