package dev.sundial.persistence.sqlite;

import dev.sundial.persistence.jdbc.Dialect;
import java.sql.SQLException;
import org.sqlite.SQLiteException;

/** SQLite specifics: the write lock is taken at BEGIN, and result codes identify constraints. */
final class SqliteDialect implements Dialect {
  private static final int SQLITE_CONSTRAINT = 19;

  @Override
  public String migrationsDir() {
    return "db/sqlite";
  }

  @Override
  public String beginWrite() {
    // IMMEDIATE: take the write lock now, so a busy database is waited for (busy_timeout) at the
    // start instead of failing halfway through the transaction on a lock upgrade.
    return "BEGIN IMMEDIATE";
  }

  @Override
  public boolean isConstraintViolation(SQLException e) {
    int code = e instanceof SQLiteException se ? se.getResultCode().code : e.getErrorCode();
    // Extended result codes keep the primary code in the low byte.
    return (code & 0xff) == SQLITE_CONSTRAINT;
  }
}
