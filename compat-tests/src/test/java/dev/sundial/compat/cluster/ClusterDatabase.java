package dev.sundial.compat.cluster;

import dev.sundial.persistence.postgres.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The test PostgreSQL (SUNDIAL_TEST_PG_URL) seen from the test: a fresh schema per test, the {@code
 * --db} URL that points the nodes at it, and read-only looks at the cluster tables ({@code shards},
 * {@code nodes}) to check ownership and fencing from outside the nodes.
 */
final class ClusterDatabase implements AutoCloseable {

  static final String PG_URL_ENV = "SUNDIAL_TEST_PG_URL";

  /** One row of the shards table. */
  record Shard(int shardId, long rangeId, String owner, long leaseExpiresAt) {}

  /** One row of the nodes table. */
  record Node(String nodeId, String address, long heartbeatAt) {}

  private final String baseUrl;
  private final PostgresConfig config;
  private final String schema;

  private ClusterDatabase(String baseUrl, String schema) {
    this.baseUrl = baseUrl;
    this.config = PostgresConfig.parse(baseUrl);
    this.schema = schema;
  }

  /** The test database URL, or null when PostgreSQL tests are not configured. */
  static String testUrl() {
    String url = System.getenv(PG_URL_ENV);
    return url == null || url.isBlank() ? null : url.strip();
  }

  /** Creates a schema nobody else uses, named after the test. */
  static ClusterDatabase createFresh(String testName) {
    String base = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "");
    String schema =
        "cluster_" + base + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    ClusterDatabase db = new ClusterDatabase(testUrl(), schema);
    db.execute("CREATE SCHEMA \"" + schema + "\"");
    return db;
  }

  String schema() {
    return schema;
  }

  /**
   * The URL given to the nodes' {@code --db}: the test URL with {@code schema=} added (the URL
   * syntax of PostgresConfig.parse accepts both postgres:// and jdbc:postgresql:// forms).
   */
  String nodeUrl() {
    return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "schema=" + schema;
  }

  /** Every row of the shards table, by shard id (empty before the nodes migrated the schema). */
  Map<Integer, Shard> shards() {
    Map<Integer, Shard> result = new TreeMap<>();
    query(
        "SELECT shard_id, range_id, owner, lease_expires_at FROM \"" + schema + "\".shards",
        rs ->
            result.put(
                rs.getInt(1),
                new Shard(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getLong(4))));
    return result;
  }

  List<Node> nodes() {
    List<Node> result = new ArrayList<>();
    query(
        "SELECT node_id, address, heartbeat_at FROM \"" + schema + "\".nodes ORDER BY node_id",
        rs -> result.add(new Node(rs.getString(1), rs.getString(2), rs.getLong(3))));
    return result;
  }

  /** The secret the nodes present on internal calls (null before a node has created it). */
  String clusterSecret() {
    List<String> result = new ArrayList<>();
    query(
        "SELECT value FROM \"" + schema + "\".cluster_settings WHERE name = 'internal_secret'",
        rs -> result.add(rs.getString(1)));
    return result.isEmpty() ? null : result.get(0);
  }

  /** Shard id to owner, counting only leases that have not run out (by the test's clock). */
  Map<Integer, String> liveOwners() {
    long now = System.currentTimeMillis();
    Map<Integer, String> owners = new TreeMap<>();
    try {
      for (Shard s : shards().values()) {
        if (s.owner() != null && s.leaseExpiresAt() >= now) {
          owners.put(s.shardId(), s.owner());
        }
      }
    } catch (IllegalStateException e) {
      // the tables do not exist before the first node migrated the schema
    }
    return owners;
  }

  @FunctionalInterface
  interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  private void query(String sql, RowHandler handler) {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        handler.row(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  private Connection connect() throws SQLException {
    Properties props = new Properties();
    if (config.user() != null) {
      props.setProperty("user", config.user());
    }
    if (config.password() != null) {
      props.setProperty("password", config.password());
    }
    return DriverManager.getConnection(config.jdbcUrl(), props);
  }

  /** Drops the schema and everything in it; a failure is reported, not thrown. */
  @Override
  public void close() {
    try {
      execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
    } catch (IllegalStateException e) {
      System.err.println("[cluster] could not drop schema " + schema + ": " + e.getMessage());
    }
  }
}
