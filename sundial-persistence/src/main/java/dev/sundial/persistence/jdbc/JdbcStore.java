package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.ExecutionRecord;
import dev.sundial.persistence.ExecutionWrite;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.NamespaceRecord;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.Store;
import dev.sundial.persistence.StoreException;
import dev.sundial.persistence.TimerTask;
import dev.sundial.persistence.WriteValidator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dialect-neutral JDBC store. One writer connection serialized by a lock does every write; reads
 * use a pool of separate connections so they run concurrently with commits, or, when no readers
 * are given, the writer under the same lock.
 */
public abstract class JdbcStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(JdbcStore.class);
  private static final String EXECUTION_COLUMNS =
      "namespace_id, workflow_id, run_id, shard_id, db_version, running, next_event_id, state";

  @FunctionalInterface
  interface SqlWork<T> {
    T run(Conn c) throws SQLException;
  }

  private final Dialect dialect;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Conn writer;
  private final BlockingQueue<Conn> readers; // null: reads share the writer
  private final int readerCount;
  private final BatchWriter batchWriter;
  private final JdbcVisibilityStore visibility;
  private volatile boolean closed;

  /** Takes ownership of the connections (writer in auto-commit mode) and migrates the schema. */
  protected JdbcStore(Dialect dialect, Connection writer, List<Connection> readers) {
    this.dialect = dialect;
    this.writer = new Conn(writer);
    this.readerCount = readers.size();
    this.readers = readers.isEmpty() ? null : new ArrayBlockingQueue<>(readers.size());
    readers.forEach(r -> this.readers.add(new Conn(r)));
    this.batchWriter = new BatchWriter(dialect);
    this.visibility = new JdbcVisibilityStore(this, dialect.visibilitySql());
    try {
      Migrations.apply(this.writer, dialect);
    } catch (SQLException | RuntimeException e) {
      close();
      throw e instanceof StoreException se ? se : new StoreException("schema migration failed", e);
    }
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
                namespaceId, workflowId, rs.getString(1), rs.getBoolean(2), rs.getString(3)))
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
      PreparedStatement ps = c.ps("SELECT task_id, shard_id, fire_at, namespace_id, workflow_id,"
          + " run_id, kind, payload FROM timer_tasks WHERE fire_at < ?"
          + " ORDER BY fire_at, task_id LIMIT ?");
      ps.setLong(1, beforeMillis);
      ps.setInt(2, limit);
      List<TimerTask> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(new TimerTask(rs.getLong(1), rs.getInt(2), rs.getLong(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getInt(7), rs.getBytes(8)));
        }
      }
      return result;
    });
  }

  @Override
  public List<QueueTask> loadQueueTasks(long afterTaskId, int limit) {
    return read("loadQueueTasks", c -> {
      PreparedStatement ps = c.ps("SELECT task_id, namespace_id, task_queue, kind, workflow_id,"
          + " run_id, scheduled_event_id, payload FROM queue_tasks WHERE task_id > ?"
          + " ORDER BY task_id LIMIT ?");
      ps.setLong(1, afterTaskId);
      ps.setInt(2, limit);
      List<QueueTask> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(new QueueTask(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
              rs.getString(5), rs.getString(6), rs.getLong(7), rs.getBytes(8)));
        }
      }
      return result;
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
    return write("acquireShard", c -> {
      c.exec(dialect.beginWrite());
      try {
        PreparedStatement up = c.ps("INSERT INTO shards (shard_id, range_id, owner, updated_at)"
            + " VALUES (?, 1, ?, ?) ON CONFLICT (shard_id) DO UPDATE SET"
            + " range_id = shards.range_id + 1, owner = excluded.owner,"
            + " updated_at = excluded.updated_at");
        up.setInt(1, shardId);
        up.setString(2, owner);
        up.setLong(3, System.currentTimeMillis());
        up.executeUpdate();
        PreparedStatement q = c.ps("SELECT range_id FROM shards WHERE shard_id = ?");
        q.setInt(1, shardId);
        long rangeId;
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          rangeId = rs.getLong(1);
        }
        c.exec("COMMIT");
        return rangeId;
      } catch (SQLException | RuntimeException e) {
        c.tryExec("ROLLBACK");
        throw e;
      }
    });
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      // Wait for in-flight reads to hand their connections back, then close readers first so the
      // writer is the last connection and can checkpoint the WAL.
      for (int i = 0; readers != null && i < readerCount; i++) {
        Conn r = readers.poll(10, TimeUnit.SECONDS);
        if (r == null) {
          log.warn("a read did not finish within 10 s; closing without its connection");
          break;
        }
        r.close();
      }
      writer.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.close();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public dev.sundial.persistence.visibility.VisibilityStore visibility() {
    return visibility;
  }

  @Override
  public dev.sundial.persistence.schedule.ScheduleStore schedules() {
    return new JdbcScheduleStore(this, dialect);
  }

  @Override
  public dev.sundial.persistence.batch.BatchStore batches() {
    return new JdbcBatchStore(this);
  }

  Dialect dialect() {
    return dialect;
  }

  <T> T write(String what, SqlWork<T> work) {
    writeLock.lock();
    try {
      checkOpen();
      return work.run(writer);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  <T> T read(String what, SqlWork<T> work) {
    if (readers == null) {
      return write(what, work);
    }
    Conn c = borrow();
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  private Conn borrow() {
    try {
      while (true) {
        checkOpen();
        // Poll (not take) so a reader waiting while close() drains the pool notices the close.
        Conn c = readers.poll(50, TimeUnit.MILLISECONDS);
        if (c != null) {
          return c;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for a read connection", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("store closed", null);
    }
  }

  private static ExecutionRecord execution(ResultSet rs) throws SQLException {
    return new ExecutionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
        rs.getLong(5), rs.getBoolean(6), rs.getLong(7), rs.getBytes(8));
  }
}
