package dev.sundial.examples.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh PostgreSQL schema for one test class's application database, in the database CI
 * provides ({@code SUNDIAL_TEST_PG_URL}); tests that use it are skipped without one.
 */
public final class PostgresSchema {
  public static final String URL_VARIABLE = "SUNDIAL_TEST_PG_URL";

  private PostgresSchema() {}

  /** Creates a schema and answers the application's JDBC URL with it as the current schema. */
  public static String newSchemaUrl() {
    String url = System.getenv(URL_VARIABLE);
    String schema = "app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a schema in " + URL_VARIABLE + ": " + e.getMessage(), e);
    }
    return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }
}
