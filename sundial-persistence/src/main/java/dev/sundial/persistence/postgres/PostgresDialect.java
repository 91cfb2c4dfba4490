package dev.sundial.persistence.postgres;

import dev.sundial.persistence.jdbc.Dialect;
import dev.sundial.persistence.jdbc.VisibilitySqlDialect;
import java.sql.SQLException;

/**
 * PostgreSQL specifics. Transactions run at READ COMMITTED; the shard row is read FOR SHARE inside
 * every commit, so a concurrent tryAcquireShard (an UPDATE of that row) waits until the commit is
 * over and a commit that starts after it sees the new range id: a write carrying an old range id
 * can never land after the shard was taken.
 */
public final class PostgresDialect implements Dialect {
  /** Arbitrary key of the advisory lock serializing migrations across processes. */
  private static final long MIGRATION_LOCK_KEY = 0x53554e4449414cL; // "SUNDIAL"

  @Override
  public String migrationsDir() {
    return "db/postgres";
  }

  @Override
  public String beginWrite() {
    return "BEGIN";
  }

  @Override
  public boolean isConstraintViolation(SQLException e) {
    // SQLState class 23: integrity constraint violation (unique, primary key, check, not null).
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getSQLState() != null
          && s.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String shardRangeQuery() {
    return "SELECT range_id FROM shards WHERE shard_id = ? FOR SHARE";
  }

  @Override
  public String greatestFunction() {
    return "GREATEST";
  }

  @Override
  public String migrationLock() {
    return "SELECT pg_advisory_lock(" + MIGRATION_LOCK_KEY + ")";
  }

  @Override
  public String migrationUnlock() {
    return "SELECT pg_advisory_unlock(" + MIGRATION_LOCK_KEY + ")";
  }

  @Override
  public VisibilitySqlDialect visibilitySql() {
    return PostgresVisibilitySql.INSTANCE;
  }
}
