package dev.sundial.persistence.postgres;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh schema {@code t_<random>} in the test database named by env SUNDIAL_TEST_PG_URL (see
 * .ci/postgres.sh), dropped by {@link #drop}. Without the variable the test is skipped; with it, a
 * database that cannot be reached fails the test.
 */
public final class PgTestSchema implements AutoCloseable {
  public static final String ENV = "SUNDIAL_TEST_PG_URL";

  private final PostgresConfig config;
  private boolean dropped;

  private PgTestSchema(PostgresConfig config) {
    this.config = config;
  }

  /** The configured test database; skips the test when SUNDIAL_TEST_PG_URL is not set. */
  public static PostgresConfig baseConfig() {
    String url = System.getenv(ENV);
    assumeTrue(url != null && !url.isBlank(), ENV + " is not set: PostgreSQL tests skipped"
        + " (start one with `bash .ci/postgres.sh start` and export the URL it prints)");
    return PostgresConfig.parse(url).withPoolSize(4);
  }

  /** Names a new schema (created by the store it is opened with, or by {@link #create}). */
  public static PgTestSchema fresh() {
    String name = "t_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    return new PgTestSchema(baseConfig().withSchema(name));
  }

  public PostgresConfig config() {
    return config;
  }

  /** A plain JDBC connection to the test database with search_path set to the schema. */
  public Connection connect() throws SQLException {
    Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
    c.setSchema(config.schema());
    return c;
  }

  @Override
  public void close() {
    if (dropped) {
      return;
    }
    dropped = true;
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test schema " + config.schema(), e);
    }
  }
}
