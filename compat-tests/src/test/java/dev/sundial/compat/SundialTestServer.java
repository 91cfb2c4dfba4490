package dev.sundial.compat;

import dev.sundial.engine.RebuildCheck;
import dev.sundial.persistence.postgres.PostgresConfig;
import dev.sundial.persistence.sqlite.SqliteStore;
import dev.sundial.server.Sundial;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Sundial per test class, reached through the in-process stubs. Use it as
 *
 * <pre>
 * &#64;RegisterExtension static final SundialTestServer sundial = new SundialTestServer();
 * </pre>
 *
 * The store is chosen by the system property {@code sundial.test.store}: {@code sqlite} (the
 * default) puts a real SQLite file in a temporary directory; {@code postgres} uses the database of
 * the environment variable SUNDIAL_TEST_PG_URL, in a fresh schema per server, dropped at the end.
 *
 * <p>Each test gets its own task queue and its own {@link io.temporal.worker.WorkerFactory}; see
 * {@link CompatServer} for the helpers. When a test of the class failed, the database directory
 * (or schema) is kept and its name printed, for a post-mortem.
 */
public final class SundialTestServer extends CompatServer {

  static final String STORE_PROPERTY = "sundial.test.store";
  static final String PG_URL_ENV = "SUNDIAL_TEST_PG_URL";

  private Path dir;
  private String schema;
  private Sundial sundial;
  private boolean http;

  /** Also serve the HTTP API and the UI port (both on free loopback ports). */
  public SundialTestServer withHttp() {
    this.http = true;
    return this;
  }

  /** The running server (for its ports). */
  public Sundial sundial() {
    return sundial;
  }

  @Override
  protected WorkflowServiceStubs startServer(ExtensionContext context) throws Exception {
    String testClass = context.getRequiredTestClass().getSimpleName();
    Sundial.Builder builder = Sundial.builder();
    if (usePostgres()) {
      schema = newSchemaName(testClass);
      // A PostgreSQL server is a (single-node) cluster member and needs an address to
      // advertise; this in-process one has no socket and is never dialled by another node.
      builder.postgres(postgresConfig(schema)).nodeId(schema);
    } else {
      dir = Files.createTempDirectory("sundial-compat-" + testClass);
      builder.dbFile(dir.resolve("sundial.db"));
    }
    if (http) {
      builder.httpApi("127.0.0.1", 0).ui("127.0.0.1", 0);
    }
    sundial = builder.start();
    return sundial.newWorkflowServiceStubs();
  }

  @Override
  protected void stopServer(boolean anyTestFailed) {
    try {
      if (sundial != null) {
        sundial.close();
        if (!anyTestFailed && dir != null) {
          // Every run the class left behind rebuilds from its history to its stored state.
          try (SqliteStore store = SqliteStore.open(dir.resolve("sundial.db"))) {
            RebuildCheck.assertEveryRunRebuilds(store);
          }
        }
      }
    } finally {
      sundial = null;
      if (dir != null) {
        if (anyTestFailed) {
          System.err.println("[compat] a test failed; database kept in " + dir);
        } else {
          deleteRecursively(dir);
        }
      }
      if (schema != null) {
        if (anyTestFailed) {
          System.err.println("[compat] a test failed; PostgreSQL schema kept: " + schema);
        } else {
          dropSchema(schema);
        }
      }
    }
  }

  /** Where the SQLite database lives (null on PostgreSQL). */
  public Path dataDirectory() {
    return dir;
  }

  // ---------------------------------------------------------------- store selection

  /** True when {@code -Dsundial.test.store=postgres}; fails on an unknown store name. */
  static boolean usePostgres() {
    String store = System.getProperty(STORE_PROPERTY, "sqlite").strip().toLowerCase(Locale.ROOT);
    switch (store) {
      case "sqlite", "" -> {
        return false;
      }
      case "postgres", "postgresql" -> {
        String url = System.getenv(PG_URL_ENV);
        if (url == null || url.isBlank()) {
          throw new IllegalStateException(
              "-D" + STORE_PROPERTY + "=postgres needs the environment variable " + PG_URL_ENV);
        }
        return true;
      }
      default ->
          throw new IllegalStateException(
              "-D" + STORE_PROPERTY + " must be sqlite or postgres but was '" + store + "'");
    }
  }

  /** The test database's URL (SUNDIAL_TEST_PG_URL), as given. */
  static String postgresUrl() {
    return System.getenv(PG_URL_ENV).strip();
  }

  /** The test database with Sundial's tables in the given schema. */
  static PostgresConfig postgresConfig(String schema) {
    PostgresConfig c = PostgresConfig.parse(postgresUrl());
    return new PostgresConfig(c.jdbcUrl(), c.user(), c.password(), schema, c.poolSize());
  }

  /** A schema name nobody else uses: the test class plus random characters. */
  static String newSchemaName(String testClass) {
    String base = testClass.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    return "compat_" + base + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** Drops a test schema and everything in it; a failure is reported, not thrown. */
  static void dropSchema(String schema) {
    PostgresConfig c = PostgresConfig.parse(postgresUrl());
    Properties props = new Properties();
    if (c.user() != null) {
      props.setProperty("user", c.user());
    }
    if (c.password() != null) {
      props.setProperty("password", c.password());
    }
    try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), props);
        Statement s = conn.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    } catch (SQLException e) {
      System.err.println("[compat] could not drop PostgreSQL schema " + schema + ": " + e);
    }
  }
}
