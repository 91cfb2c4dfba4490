package dev.sundial.server.logging;

/**
 * The logging backend's levels, changed at run time through the admin API. The server logs
 * through SLF4J only; the standalone server passes its Logback levels, an embedding application
 * passes its own or none (then the admin API says the application manages them).
 */
public interface LogLevels {
  /** A logger's own level ("" when inherited) and the level that applies to it. */
  record Level(String logger, String level, String effective) {}

  /** The levels of a logger ("" or "ROOT": the root logger). */
  Level get(String logger);

  /**
   * Sets a logger's level (TRACE, DEBUG, INFO, WARN, ERROR, OFF; "" to inherit) and returns its
   * levels after; IllegalArgumentException naming the value when it is not a level.
   */
  Level set(String logger, String level);
}
