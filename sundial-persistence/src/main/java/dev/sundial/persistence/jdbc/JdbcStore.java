package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.ExecutionRecord;
import dev.sundial.persistence.ExecutionWrite;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.NamespaceRecord;
import dev.sundial.persistence.NodeRecord;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.ShardLease;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.StoreException;
import dev.sundial.persistence.TimerTask;
import dev.sundial.persistence.WriteValidator;
import dev.sundial.persistence.access.ApiKeyStore;
import dev.sundial.persistence.access.UserStore;
import dev.sundial.persistence.audit.AuditStore;
import dev.sundial.persistence.batch.BatchStore;
import dev.sundial.persistence.schedule.ScheduleStore;
import dev.sundial.persistence.visibility.VisibilityStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Dialect-neutral JDBC store. Writes go through one writer connection under a lock, reads run
 * concurrently on other connections (see {@link Connections}); the cluster methods live in
 * {@link JdbcCluster}.
 */
public abstract class JdbcStore implements Store {
  private static final String EXECUTION_COLUMNS =
      "namespace_id, workflow_id, run_id, shard_id, db_version, running, next_event_id, state";
  private static final String TIMER_COLUMNS =
      "task_id, shard_id, fire_at, namespace_id, workflow_id, run_id, kind, payload";
  private static final String QUEUE_COLUMNS = "task_id, namespace_id, task_queue, kind,"
      + " workflow_id, run_id, scheduled_event_id, payload, partition_id";

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Conn c) throws SQLException;
  }

  /** Opens (or borrows from a pool: closing it gives it back) a connection in auto-commit mode. */
  @FunctionalInterface
  protected interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  private final Dialect dialect;
  private final Connections connections;
  private final BatchWriter batchWriter;
  private final JdbcCluster cluster = new JdbcCluster(this);
  private final JdbcVisibilityStore visibility;
  private final int schemaVersion;

  /**
   * Takes ownership of fixed connections (writer in auto-commit mode), then migrates the schema
   * (migrate) or checks it is at the latest version this build knows.
   */
  protected JdbcStore(
      Dialect dialect, Connection writer, List<Connection> readers, boolean migrate) {
    this.dialect = dialect;
    this.connections = new Connections(writer, readers);
    this.batchWriter = new BatchWriter(dialect);
    this.visibility = new JdbcVisibilityStore(this, dialect.visibilitySql());
    this.schemaVersion = prepareSchema(migrate);
  }

  /**
   * A store over a connection pool: the writer is taken from {@code writerFactory} (and replaced
   * when it breaks), each read borrows from {@code readPool}; {@code onClose} (e.g. the pool) is
   * closed last.
   */
  protected JdbcStore(Dialect dialect, ConnectionFactory writerFactory,
      ConnectionFactory readPool, AutoCloseable onClose, boolean migrate) {
    this.dialect = dialect;
    this.connections = new Connections(writerFactory, readPool, onClose);
    this.batchWriter = new BatchWriter(dialect);
    this.visibility = new JdbcVisibilityStore(this, dialect.visibilitySql());
    this.schemaVersion = prepareSchema(migrate);
  }

  private int prepareSchema(boolean migrate) {
    try {
      return write("schema migration", c ->
          migrate ? Migrations.apply(c, dialect) : Migrations.check(c, dialect));
    } catch (RuntimeException e) {
      close();
      throw e instanceof StoreException se ? se : new StoreException("schema migration failed", e);
    }
  }

  /** The schema version of the database (the latest this build knows once open). */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** The latest schema version the migrations of {@code dialect} know. */
  public static int latestSchemaVersion(Dialect dialect) {
    return Migrations.latest(dialect);
  }

  @Override
  public List<ConflictException> commit(List<ExecutionWrite> writes) {
    writes.forEach(WriteValidator::check);
    return write("commit", c -> batchWriter.commit(c, writes));
  }

  @Override
  public Optional<ExecutionRecord> getExecution(
      String namespaceId, String workflowId, String runId) {
    return read("getExecution", c -> {
      PreparedStatement ps = c.ps("SELECT " + EXECUTION_COLUMNS + " FROM executions"
          + " WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?");
      ps.setString(1, namespaceId);
      ps.setString(2, workflowId);
      ps.setString(3, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(execution(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public Optional<CurrentExecution> getCurrentExecution(String namespaceId, String workflowId) {
    return read("getCurrentExecution", c -> {
      PreparedStatement ps = c.ps("SELECT run_id, running, start_request_id FROM current_executions"
          + " WHERE namespace_id = ? AND workflow_id = ?");
      ps.setString(1, namespaceId);
      ps.setString(2, workflowId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new CurrentExecution(
                namespaceId, workflowId, rs.getString(1), rs.getInt(2) != 0, rs.getString(3)))
            : Optional.empty();
      }
    });
  }

  @Override
  public List<ExecutionRecord> listRunningExecutions(int shardId, int limit, String afterRunId) {
    return read("listRunningExecutions", c -> {
      PreparedStatement ps = c.ps("SELECT " + EXECUTION_COLUMNS + " FROM executions"
          + " WHERE shard_id = ? AND running = 1 AND run_id > ? ORDER BY run_id LIMIT ?");
      ps.setInt(1, shardId);
      ps.setString(2, afterRunId == null ? "" : afterRunId);
      ps.setInt(3, limit);
      List<ExecutionRecord> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(execution(rs));
        }
      }
      return result;
    });
  }

  @Override
  public List<HistoryBatch> readHistory(
      String namespaceId, String runId, long fromEventId, int maxEvents) {
    int max = Math.max(1, maxEvents); // always make progress
    return read("readHistory", c -> {
      // Start at the batch containing fromEventId; the subquery keeps this an index range scan.
      PreparedStatement ps = c.ps("SELECT first_event_id, last_event_id, events FROM history"
          + " WHERE namespace_id = ? AND run_id = ? AND last_event_id >= ?"
          + " AND first_event_id >= COALESCE((SELECT MAX(first_event_id) FROM history"
          + " WHERE namespace_id = ? AND run_id = ? AND first_event_id <= ?), 0)"
          + " ORDER BY first_event_id LIMIT ?");
      ps.setString(1, namespaceId);
      ps.setString(2, runId);
      ps.setLong(3, fromEventId);
      ps.setString(4, namespaceId);
      ps.setString(5, runId);
      ps.setLong(6, fromEventId);
      ps.setInt(7, max); // every batch holds at least one event
      List<HistoryBatch> result = new ArrayList<>();
      long covered = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (covered < max && rs.next()) {
          long first = rs.getLong(1);
          long last = rs.getLong(2);
          result.add(new HistoryBatch(namespaceId, runId, first, last, rs.getBytes(3)));
          covered += last - Math.max(first, fromEventId) + 1;
        }
      }
      return result;
    });
  }

  @Override
  public List<TimerTask> loadTimers(long beforeMillis, int limit) {
    return read("loadTimers", c -> {
      PreparedStatement ps = c.ps("SELECT " + TIMER_COLUMNS + " FROM timer_tasks WHERE fire_at < ?"
          + " ORDER BY fire_at, task_id LIMIT ?");
      ps.setLong(1, beforeMillis);
      ps.setInt(2, limit);
      return timers(ps);
    });
  }

  @Override
  public List<QueueTask> loadQueueTasks(long afterTaskId, int limit) {
    return read("loadQueueTasks", c -> {
      PreparedStatement ps = c.ps("SELECT " + QUEUE_COLUMNS + " FROM queue_tasks"
          + " WHERE task_id > ? ORDER BY task_id LIMIT ?");
      ps.setLong(1, afterTaskId);
      ps.setInt(2, limit);
      return queueTasks(ps);
    });
  }

  @Override
  public long maxTaskId() {
    return read("maxTaskId", c -> {
      PreparedStatement ps = c.ps("SELECT MAX(v) FROM ("
          + "SELECT value AS v FROM store_counters WHERE name = 'max_task_id'"
          + " UNION ALL SELECT MAX(task_id) AS v FROM timer_tasks"
          + " UNION ALL SELECT MAX(task_id) AS v FROM queue_tasks) t");
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public List<NamespaceRecord> listNamespaces() {
    return read("listNamespaces", c -> {
      List<NamespaceRecord> result = new ArrayList<>();
      try (ResultSet rs =
          c.ps("SELECT id, name, version, info FROM namespaces ORDER BY name").executeQuery()) {
        while (rs.next()) {
          result.add(new NamespaceRecord(rs.getString(1), rs.getString(2), rs.getLong(3),
              rs.getBytes(4)));
        }
      }
      return result;
    });
  }

  @Override
  public void createNamespace(NamespaceRecord ns) {
    write("createNamespace", c -> {
      PreparedStatement ps =
          c.ps("INSERT INTO namespaces (id, name, version, info) VALUES (?, ?, ?, ?)");
      ps.setString(1, ns.id());
      ps.setString(2, ns.name());
      ps.setLong(3, ns.version());
      ps.setBytes(4, ns.info());
      try {
        return ps.executeUpdate();
      } catch (SQLException e) {
        if (dialect.isConstraintViolation(e)) {
          throw new ConflictException(
              "namespace id " + ns.id() + " or name " + ns.name() + " already exists");
        }
        throw e;
      }
    });
  }

  @Override
  public void updateNamespace(NamespaceRecord ns, long expectedVersion) {
    write("updateNamespace", c -> {
      PreparedStatement ps = c.ps("UPDATE namespaces SET name = ?, version = ?, info = ?"
          + " WHERE id = ? AND version = ?");
      ps.setString(1, ns.name());
      ps.setLong(2, ns.version());
      ps.setBytes(3, ns.info());
      ps.setString(4, ns.id());
      ps.setLong(5, expectedVersion);
      int rows;
      try {
        rows = ps.executeUpdate();
      } catch (SQLException e) {
        if (dialect.isConstraintViolation(e)) {
          throw new ConflictException("namespace name " + ns.name() + " is taken");
        }
        throw e;
      }
      if (rows == 0) {
        throw new ConflictException(
            "namespace " + ns.id() + " does not exist or its version is not " + expectedVersion);
      }
      return rows;
    });
  }

  @Override
  public void deleteExecution(String namespaceId, String workflowId, String runId) {
    write("deleteExecution", c -> {
      c.exec(dialect.beginWrite());
      try {
        String[] sql = {
          "DELETE FROM executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?",
          "DELETE FROM current_executions WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?",
          "DELETE FROM timer_tasks WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?",
          "DELETE FROM queue_tasks WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?",
          VisibilityWriter.DELETE,
        };
        for (String q : sql) {
          PreparedStatement ps = c.ps(q);
          ps.setString(1, namespaceId);
          ps.setString(2, workflowId);
          ps.setString(3, runId);
          ps.executeUpdate();
        }
        PreparedStatement h = c.ps("DELETE FROM history WHERE namespace_id = ? AND run_id = ?");
        h.setString(1, namespaceId);
        h.setString(2, runId);
        h.executeUpdate();
        c.exec("COMMIT");
        return null;
      } catch (SQLException | RuntimeException e) {
        c.tryExec("ROLLBACK");
        throw e;
      }
    });
  }

  @Override
  public long acquireShard(int shardId, String owner) {
    return cluster.acquireShard(shardId, owner);
  }

  @Override
  public void heartbeatNode(String nodeId, String address, long nowMillis) {
    cluster.heartbeatNode(nodeId, address, nowMillis);
  }

  @Override
  public String clusterSecret() {
    return cluster.clusterSecret();
  }

  @Override
  public void removeNode(String nodeId) {
    cluster.removeNode(nodeId);
  }

  @Override
  public List<NodeRecord> listNodes() {
    return cluster.listNodes();
  }

  @Override
  public List<ShardLease> listShardLeases() {
    return cluster.listShardLeases();
  }

  @Override
  public Optional<ShardLease> tryAcquireShard(
      int shardId, String nodeId, long nowMillis, long leaseMillis) {
    return cluster.tryAcquireShard(shardId, nodeId, nowMillis, leaseMillis);
  }

  @Override
  public Set<Integer> renewShardLeases(
      String nodeId, Map<Integer, Long> rangeIds, long leaseExpiresMillis) {
    return cluster.renewShardLeases(nodeId, rangeIds, leaseExpiresMillis);
  }

  @Override
  public boolean releaseShard(int shardId, String nodeId, long rangeId) {
    return cluster.releaseShard(shardId, nodeId, rangeId);
  }

  @Override
  public long reserveTaskIds(int count) {
    return cluster.reserveTaskIds(count);
  }

  @Override
  public List<TimerTask> loadShardTimers(int shardId, long beforeMillis, int limit) {
    return read("loadShardTimers", c -> {
      PreparedStatement ps = c.ps("SELECT " + TIMER_COLUMNS + " FROM timer_tasks"
          + " WHERE shard_id = ? AND fire_at < ? ORDER BY fire_at, task_id LIMIT ?");
      ps.setInt(1, shardId);
      ps.setLong(2, beforeMillis);
      ps.setInt(3, limit);
      return timers(ps);
    });
  }

  @Override
  public List<QueueTask> loadPartitionQueueTasks(int partitionId, long afterTaskId, int limit) {
    return read("loadPartitionQueueTasks", c -> {
      // Rows written before partitions existed (-1) belong to every partition.
      PreparedStatement ps = c.ps("SELECT " + QUEUE_COLUMNS + " FROM queue_tasks"
          + " WHERE partition_id IN (?, -1) AND task_id > ? ORDER BY task_id LIMIT ?");
      ps.setInt(1, partitionId);
      ps.setLong(2, afterTaskId);
      ps.setInt(3, limit);
      return queueTasks(ps);
    });
  }

  @Override
  public VisibilityStore visibility() {
    return visibility;
  }

  @Override
  public ScheduleStore schedules() {
    return new JdbcScheduleStore(this, dialect);
  }

  @Override
  public BatchStore batches() {
    return new JdbcBatchStore(this);
  }

  @Override
  public ApiKeyStore apiKeys() {
    return new JdbcApiKeyStore(this);
  }

  @Override
  public AuditStore audit() {
    return new JdbcAuditStore(this);
  }

  @Override
  public UserStore users() {
    return new JdbcUserStore(this);
  }

  Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    connections.close();
  }

  <T> T write(String what, SqlWork<T> work) {
    return connections.write(what, work);
  }

  /** A small write whose success does not show that the database takes writes again. */
  <T> T smallWrite(String what, SqlWork<T> work) {
    return connections.write(what, work, false);
  }

  @Override
  public String writeProblem() {
    return connections.writeProblem();
  }

  /**
   * 1 MB of text that does not compress much (PostgreSQL compresses large values): the probe
   * must need real space, or a nearly full disk would pass it while real writes still fail.
   * Made on first use (a holder class): most stores never probe.
   */
  private static final class Probe {
    static final String VALUE = probeValue();
  }

  private static String probeValue() {
    SplittableRandom random = new SplittableRandom(7);
    StringBuilder b = new StringBuilder(1 << 20);
    while (b.length() < 1 << 20) {
      b.append((char) ('!' + random.nextInt(90)));
    }
    return b.toString();
  }

  @Override
  public void probeWrite() {
    // Two committed writes (auto-commit) that leave nothing behind: a 1 MB row, then its removal.
    write("readiness probe", c -> {
      PreparedStatement remove = c.ps("DELETE FROM cluster_settings WHERE name = 'write_probe'");
      remove.executeUpdate();
      PreparedStatement put = c.ps("INSERT INTO cluster_settings (name, value) VALUES ('write_probe', ?)");
      put.setString(1, Probe.VALUE);
      put.executeUpdate();
      return remove.executeUpdate();
    });
  }

  <T> T read(String what, SqlWork<T> work) {
    return connections.read(what, work);
  }

  private static List<TimerTask> timers(PreparedStatement ps) throws SQLException {
    List<TimerTask> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.add(new TimerTask(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getBytes(8)));
      }
    }
    return result;
  }

  private static List<QueueTask> queueTasks(PreparedStatement ps) throws SQLException {
    List<QueueTask> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.add(new QueueTask(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
            rs.getString(5), rs.getString(6), rs.getLong(7), rs.getBytes(8), rs.getInt(9)));
      }
    }
    return result;
  }

  private static ExecutionRecord execution(ResultSet rs) throws SQLException {
    return new ExecutionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
        rs.getLong(5), rs.getInt(6) != 0, rs.getLong(7), rs.getBytes(8));
  }
}
