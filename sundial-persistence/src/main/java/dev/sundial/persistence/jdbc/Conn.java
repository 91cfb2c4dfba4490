package dev.sundial.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** A connection with its prepared statements cached by SQL text. Used by one thread at a time. */
final class Conn implements AutoCloseable {
  final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  Conn(Connection connection) {
    this.connection = connection;
  }

  PreparedStatement ps(String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    return ps;
  }

  void exec(String sql) throws SQLException {
    ps(sql).execute();
  }

  /** Best effort: used on close and after failures, where there is nothing left to report to. */
  void tryExec(String sql) {
    try {
      exec(sql);
    } catch (SQLException ignored) {
      // e.g. ROLLBACK after the database already rolled the transaction back itself
    }
  }

  /** Closes the cached statements (prepared again on next use), keeping the connection. */
  void resetStatements() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // dropping it anyway
      }
    }
    statements.clear();
  }

  @Override
  public void close() {
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    statements.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing anyway
    }
  }
}
