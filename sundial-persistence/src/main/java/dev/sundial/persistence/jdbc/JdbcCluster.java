package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.NodeRecord;
import dev.sundial.persistence.ShardLease;
import dev.sundial.persistence.StoreException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster part of {@link JdbcStore}: node registry, shard leases and task id reservation.
 * Every shard ownership change is a single statement (an upsert with a condition and RETURNING),
 * so it is atomic against other nodes on any database without explicit locking; on PostgreSQL it
 * also waits for a commit that holds the shard row FOR SHARE, which is what makes fencing safe.
 */
final class JdbcCluster {
  private static final String SHARD_COLUMNS = "shard_id, range_id, owner, lease_expires_at";
  /**
   * Takes the shard: creates it at range 1 or increments its range id, but (DO UPDATE ... WHERE)
   * only when it is free for the caller. RETURNING yields no row when another node holds it.
   */
  private static final String TRY_ACQUIRE =
      "INSERT INTO shards (shard_id, range_id, owner, updated_at, lease_expires_at)"
          + " VALUES (?, 1, ?, ?, ?) ON CONFLICT (shard_id) DO UPDATE SET"
          + " range_id = shards.range_id + 1, owner = excluded.owner,"
          + " updated_at = excluded.updated_at, lease_expires_at = excluded.lease_expires_at"
          + " WHERE shards.owner IS NULL OR shards.owner = excluded.owner"
          + " OR shards.lease_expires_at < ? RETURNING " + SHARD_COLUMNS;

  private static final String INTERNAL_SECRET = "internal_secret";
  private static final SecureRandom RANDOM = new SecureRandom();
  private final JdbcStore store;

  JdbcCluster(JdbcStore store) {
    this.store = store;
  }

  /**
   * The single-node take-over: unconditional, and it leaves no lease (lease_expires_at 0), so a
   * cluster node's tryAcquireShard may take the shard at any time; the range id increment fences
   * the previous owner either way.
   */
  long acquireShard(int shardId, String owner) {
    return store.write("acquireShard", c -> {
      PreparedStatement ps = c.ps("INSERT INTO shards (shard_id, range_id, owner, updated_at,"
          + " lease_expires_at) VALUES (?, 1, ?, ?, 0) ON CONFLICT (shard_id) DO UPDATE SET"
          + " range_id = shards.range_id + 1, owner = excluded.owner,"
          + " updated_at = excluded.updated_at, lease_expires_at = 0 RETURNING range_id");
      ps.setInt(1, shardId);
      ps.setString(2, owner);
      ps.setLong(3, System.currentTimeMillis());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("acquireShard " + shardId + " returned no row", null);
        }
        return rs.getLong(1);
      }
    });
  }

  void heartbeatNode(String nodeId, String address, long nowMillis) {
    require(nodeId, "nodeId");
    require(address, "address");
    store.write("heartbeatNode", c -> {
      PreparedStatement ps = c.ps("INSERT INTO nodes (node_id, address, heartbeat_at, started_at)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (node_id) DO UPDATE SET"
          + " address = excluded.address, heartbeat_at = excluded.heartbeat_at");
      ps.setString(1, nodeId);
      ps.setString(2, address);
      ps.setLong(3, nowMillis);
      ps.setLong(4, nowMillis);
      return ps.executeUpdate();
    });
  }

  /** Inserts a fresh random secret unless one exists (the first caller wins), then reads it. */
  String clusterSecret() {
    return store.write("clusterSecret", c -> {
      PreparedStatement insert = c.ps("INSERT INTO cluster_settings (name, value) VALUES (?, ?)"
          + " ON CONFLICT (name) DO NOTHING");
      insert.setString(1, INTERNAL_SECRET);
      insert.setString(2, randomSecret());
      insert.executeUpdate();
      PreparedStatement select = c.ps("SELECT value FROM cluster_settings WHERE name = ?");
      select.setString(1, INTERNAL_SECRET);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("cluster secret missing right after its insert", null);
        }
        return rs.getString(1);
      }
    });
  }

  private static String randomSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  void removeNode(String nodeId) {
    store.write("removeNode", c -> {
      PreparedStatement ps = c.ps("DELETE FROM nodes WHERE node_id = ?");
      ps.setString(1, nodeId);
      return ps.executeUpdate();
    });
  }

  List<NodeRecord> listNodes() {
    return store.read("listNodes", c -> {
      List<NodeRecord> result = new ArrayList<>();
      try (ResultSet rs = c.ps("SELECT node_id, address, heartbeat_at, started_at FROM nodes"
          + " ORDER BY node_id").executeQuery()) {
        while (rs.next()) {
          result.add(new NodeRecord(rs.getString(1), rs.getString(2), rs.getLong(3),
              rs.getLong(4)));
        }
      }
      return result;
    });
  }

  List<ShardLease> listShardLeases() {
    return store.read("listShardLeases", c -> {
      List<ShardLease> result = new ArrayList<>();
      try (ResultSet rs = c.ps("SELECT " + SHARD_COLUMNS + " FROM shards ORDER BY shard_id")
          .executeQuery()) {
        while (rs.next()) {
          result.add(lease(rs));
        }
      }
      return result;
    });
  }

  Optional<ShardLease> tryAcquireShard(
      int shardId, String nodeId, long nowMillis, long leaseMillis) {
    require(nodeId, "nodeId");
    if (leaseMillis <= 0) {
      throw new IllegalArgumentException("leaseMillis must be positive, got " + leaseMillis);
    }
    return store.write("tryAcquireShard", c -> {
      PreparedStatement ps = c.ps(TRY_ACQUIRE);
      ps.setInt(1, shardId);
      ps.setString(2, nodeId);
      ps.setLong(3, nowMillis);
      ps.setLong(4, nowMillis + leaseMillis);
      ps.setLong(5, nowMillis);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(lease(rs)) : Optional.empty();
      }
    });
  }

  Set<Integer> renewShardLeases(String nodeId, Map<Integer, Long> rangeIds, long expiresMillis) {
    require(nodeId, "nodeId");
    Set<Integer> renewed = new TreeSet<>();
    if (rangeIds.isEmpty()) {
      return renewed;
    }
    return store.write("renewShardLeases", c -> {
      c.exec(store.dialect().beginWrite());
      try {
        for (var e : rangeIds.entrySet()) {
          PreparedStatement ps = c.ps("UPDATE shards SET lease_expires_at = ?, updated_at = ?"
              + " WHERE shard_id = ? AND range_id = ? AND owner = ?");
          ps.setLong(1, expiresMillis);
          ps.setLong(2, System.currentTimeMillis());
          ps.setInt(3, e.getKey());
          ps.setLong(4, e.getValue());
          ps.setString(5, nodeId);
          if (ps.executeUpdate() == 1) {
            renewed.add(e.getKey());
          }
        }
        c.exec("COMMIT");
        return renewed;
      } catch (SQLException | RuntimeException ex) {
        c.tryExec("ROLLBACK");
        throw ex;
      }
    });
  }

  boolean releaseShard(int shardId, String nodeId, long rangeId) {
    require(nodeId, "nodeId");
    return store.write("releaseShard", c -> {
      PreparedStatement ps = c.ps("UPDATE shards SET owner = NULL, lease_expires_at = 0,"
          + " updated_at = ? WHERE shard_id = ? AND range_id = ? AND owner = ?");
      ps.setLong(1, System.currentTimeMillis());
      ps.setInt(2, shardId);
      ps.setLong(3, rangeId);
      ps.setString(4, nodeId);
      return ps.executeUpdate() == 1;
    });
  }

  /**
   * One atomic increment of the store_counters row (row-locked on PostgreSQL, so concurrent nodes
   * queue up). It first lifts the counter above the ids already in the outbox tables, so ids
   * written without a reservation (older engines, tests) are never handed out again.
   */
  long reserveTaskIds(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    String greatest = store.dialect().greatestFunction();
    return store.write("reserveTaskIds", c -> {
      PreparedStatement ps = c.ps("UPDATE store_counters SET value = " + greatest + "(value,"
          + " COALESCE((SELECT MAX(task_id) FROM timer_tasks), 0),"
          + " COALESCE((SELECT MAX(task_id) FROM queue_tasks), 0)) + ?"
          + " WHERE name = 'max_task_id' RETURNING value");
      ps.setLong(1, count);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new StoreException("store_counters has no max_task_id row", null);
        }
        return rs.getLong(1) - count + 1;
      }
    });
  }

  private static ShardLease lease(ResultSet rs) throws SQLException {
    return new ShardLease(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getLong(4));
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
  }
}
