package dev.sundial.persistence.jdbc;

import java.sql.SQLException;

/**
 * The few things that differ between databases. Everything else in {@link JdbcStore} is plain SQL
 * that SQLite and PostgreSQL both accept (ON CONFLICT upserts, partial indexes, LIMIT, SAVEPOINT).
 */
public interface Dialect {

  /** Resource folder holding this dialect's migrations, e.g. {@code db/sqlite}. */
  String migrationsDir();

  /** Starts a write transaction; it must take the write lock up front (no lock upgrades later). */
  String beginWrite();

  /** True when the exception is a unique/primary-key/check violation (a logical conflict). */
  boolean isConstraintViolation(SQLException e);

  /**
   * Reads a shard's range id inside a write transaction. A database with concurrent writers must
   * lock the row here (e.g. FOR SHARE) so a concurrent acquireShard cannot slip past the check.
   */
  default String shardRangeQuery() {
    return "SELECT range_id FROM shards WHERE shard_id = ?";
  }

  /** The variadic scalar maximum: SQLite's multi-argument MAX, PostgreSQL's GREATEST. */
  default String greatestFunction() {
    return "MAX";
  }

  /**
   * Statements run before and after applying migrations so that concurrent processes migrating
   * the same database take turns (PostgreSQL: an advisory lock); null when the begin-write lock
   * is enough (SQLite).
   */
  default String migrationLock() {
    return null;
  }

  /** Releases {@link #migrationLock}; null when there is none. */
  default String migrationUnlock() {
    return null;
  }

  /** How visibility queries read JSON and compare (SQLite's JSON1 flavour unless overridden). */
  default VisibilitySqlDialect visibilitySql() {
    return VisibilitySqlDialect.SQLITE;
  }
}
