package dev.sundial.persistence.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sundial.persistence.StoreException;
import dev.sundial.persistence.jdbc.JdbcStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The cluster store: one PostgreSQL database (and schema) shared by every node. A HikariCP pool
 * serves reads (a connection borrowed per read) and the writer, which this store holds for its
 * lifetime and replaces when it breaks (e.g. after a PostgreSQL restart). Writes of this node are
 * serialized on that writer, as with SQLite; nodes write concurrently and are kept apart by shard
 * fencing (see {@link PostgresDialect}).
 */
public final class PostgresStore extends JdbcStore {
  private final PostgresConfig config;

  private PostgresStore(PostgresConfig config, HikariDataSource pool, boolean migrate) {
    super(new PostgresDialect(), pool::getConnection, pool::getConnection, pool, migrate);
    this.config = config;
  }

  /**
   * Connects. With migrate, creates the schema if missing and applies the missing migrations;
   * without, the schema must already be at the latest version this build knows, else a
   * StoreException says to run {@code sundial db migrate}.
   */
  public static PostgresStore open(PostgresConfig cfg, boolean migrate) {
    HikariDataSource pool = pool(cfg);
    try {
      if (migrate) {
        createSchema(pool, cfg.schema());
      }
      return new PostgresStore(cfg, pool, migrate);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** Creates the schema if missing, applies the missing migrations, returns the schema version. */
  public static int migrate(PostgresConfig cfg) {
    try (PostgresStore store = open(cfg, true)) {
      return store.schemaVersion();
    }
  }

  public PostgresConfig config() {
    return config;
  }

  private static HikariDataSource pool(PostgresConfig cfg) {
    HikariConfig h = new HikariConfig();
    h.setJdbcUrl(cfg.jdbcUrl());
    h.setUsername(cfg.user());
    h.setPassword(cfg.password());
    h.setSchema(cfg.schema()); // pgjdbc sets search_path on every pooled connection
    h.setMaximumPoolSize(cfg.poolSize() + 1); // + the writer
    h.setMinimumIdle(Math.min(2, cfg.poolSize() + 1));
    h.setPoolName("sundial-pg-" + cfg.schema());
    h.setConnectionTimeout(10_000);
    h.setAutoCommit(true); // transactions are explicit BEGIN/COMMIT
    // Names this store's sessions in pg_stat_activity.
    h.addDataSourceProperty("ApplicationName", "sundial/" + cfg.schema());
    h.addDataSourceProperty("tcpKeepAlive", "true");
    // A node frozen (SIGSTOP, GC pause, VM stall) in the middle of a commit holds the shard row's
    // FOR SHARE lock, which would keep every other node from taking its shards over. PostgreSQL
    // ends such a session after this long idle in a transaction; the frozen node's commit then
    // fails when it wakes. Sundial's own transactions never sit idle for anywhere near this.
    h.setConnectionInitSql("SET idle_in_transaction_session_timeout = 2000");
    try {
      return new HikariDataSource(h);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StoreException("cannot connect to PostgreSQL " + cfg.jdbcUrl() + " as "
          + cfg.user() + ": " + cause.getMessage(), e);
    }
  }

  private static void createSchema(HikariDataSource pool, String schema) {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      // The name is validated as a plain identifier by PostgresConfig.
      s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
    } catch (SQLException e) {
      // 42P06 / 23505: another process created it at the same moment.
      if (!"42P06".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
        throw new StoreException("cannot create schema " + schema + ": " + e.getMessage(), e);
      }
    }
  }
}
