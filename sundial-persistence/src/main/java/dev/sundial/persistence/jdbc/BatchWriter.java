package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.ExecutionRecord;
import dev.sundial.persistence.ExecutionWrite;
import dev.sundial.persistence.HistoryBatch;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.TimerTask;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a group-commit batch in one transaction, each write inside its own savepoint so a write
 * whose condition fails is undone without touching the others.
 */
final class BatchWriter {
  private static final String INSERT_EXECUTION =
      "INSERT INTO executions (namespace_id, workflow_id, run_id, shard_id, db_version, running,"
          + " next_event_id, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (namespace_id, workflow_id, run_id) DO NOTHING";
  private static final String UPDATE_EXECUTION =
      "UPDATE executions SET shard_id = ?, db_version = ?, running = ?, next_event_id = ?,"
          + " state = ? WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?"
          + " AND db_version = ?";
  private static final String EXECUTION_VERSION =
      "SELECT db_version FROM executions"
          + " WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?";
  private static final String CURRENT_RUN =
      "SELECT run_id FROM current_executions WHERE namespace_id = ? AND workflow_id = ?";
  private static final String UPSERT_CURRENT =
      "INSERT INTO current_executions (namespace_id, workflow_id, run_id, running,"
          + " start_request_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace_id, workflow_id)"
          + " DO UPDATE SET run_id = excluded.run_id, running = excluded.running,"
          + " start_request_id = excluded.start_request_id";
  private static final String INSERT_HISTORY =
      "INSERT INTO history (namespace_id, run_id, first_event_id, last_event_id, events)"
          + " VALUES (?, ?, ?, ?, ?)";
  private static final String INSERT_TIMER =
      "INSERT INTO timer_tasks (task_id, shard_id, fire_at, namespace_id, workflow_id, run_id,"
          + " kind, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String DELETE_TIMER = "DELETE FROM timer_tasks WHERE task_id = ?";
  private static final String INSERT_QUEUE_TASK =
      "INSERT INTO queue_tasks (task_id, namespace_id, task_queue, kind, workflow_id, run_id,"
          + " scheduled_event_id, payload, partition_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String DELETE_QUEUE_TASK = "DELETE FROM queue_tasks WHERE task_id = ?";

  private final Dialect dialect;
  private final VisibilityWriter visibilityWriter;

  BatchWriter(Dialect dialect) {
    this.dialect = dialect;
    this.visibilityWriter = new VisibilityWriter(dialect.visibilitySql());
  }

  /**
   * Commits the batch; on any SQLException the transaction is rolled back and it is rethrown.
   * Conflicts are rare, so the batch is first applied without savepoints (two statements fewer
   * per write); only if some write conflicts is it rolled back and applied again with a savepoint
   * around each write, so that the others still commit.
   */
  List<ConflictException> commit(Conn c, List<ExecutionWrite> writes) throws SQLException {
    if (writes.isEmpty()) {
      return new ArrayList<>();
    }
    if (commitOptimistically(c, writes)) {
      List<ConflictException> none = new ArrayList<>(writes.size());
      writes.forEach(w -> none.add(null));
      return none;
    }
    return commitIsolated(c, writes);
  }

  /** Applies every write in one transaction; false (rolled back) if any of them conflicts. */
  private boolean commitOptimistically(Conn c, List<ExecutionWrite> writes) throws SQLException {
    c.exec(dialect.beginWrite());
    rangeIds.clear();
    try {
      for (ExecutionWrite w : writes) {
        ConflictException conflict = applyOrConflict(c, w);
        if (conflict != null) {
          c.exec("ROLLBACK");
          return false;
        }
      }
      c.exec("COMMIT");
      return true;
    } catch (SQLException | RuntimeException e) {
      c.tryExec("ROLLBACK");
      throw e;
    }
  }

  private List<ConflictException> commitIsolated(Conn c, List<ExecutionWrite> writes)
      throws SQLException {
    List<ConflictException> results = new ArrayList<>(writes.size());
    c.exec(dialect.beginWrite());
    rangeIds.clear();
    try {
      // No task id high-water mark is bumped here: ids come from Store.reserveTaskIds, which
      // advances store_counters itself (a per-commit bump would make every node's commits
      // contend on that one row).
      for (ExecutionWrite w : writes) {
        c.exec("SAVEPOINT w");
        readThisWrite.clear();
        ConflictException conflict = applyOrConflict(c, w);
        if (conflict != null) {
          c.exec("ROLLBACK TO SAVEPOINT w");
          readThisWrite.forEach(rangeIds::remove); // their row locks went with the savepoint
        }
        c.exec("RELEASE SAVEPOINT w");
        results.add(conflict);
      }
      c.exec("COMMIT");
      return results;
    } catch (SQLException | RuntimeException e) {
      c.tryExec("ROLLBACK");
      throw e;
    }
  }

  /** Applies one write; returns the conflict (caller rolls back the savepoint) or null. */
  /** Applies one write; a constraint violation is that write's conflict, not the batch's error. */
  private ConflictException applyOrConflict(Conn c, ExecutionWrite w) throws SQLException {
    try {
      return apply(c, w);
    } catch (SQLException e) {
      if (!dialect.isConstraintViolation(e)) {
        throw e;
      }
      return new ConflictException("constraint violated: " + e.getMessage());
    }
  }

  private ConflictException apply(Conn c, ExecutionWrite w) throws SQLException {
    ConflictException conflict = checkShard(c, w.shardId(), w.rangeId());
    if (conflict == null && w.execution() != null) {
      conflict = writeExecution(c, w.execution(), w.expectedDbVersion());
    }
    if (conflict == null) {
      conflict = writeCurrent(c, w);
    }
    if (conflict != null) {
      return conflict;
    }
    conflict = applyRows(c, w);
    for (ExecutionWrite l : w.linked()) {
      if (conflict != null) {
        break;
      }
      conflict = apply(c, l);
    }
    return conflict;
  }

  /** Inserts the history, outbox and visibility rows of a write whose conditions held. */
  private ConflictException applyRows(Conn c, ExecutionWrite w) throws SQLException {
    for (HistoryBatch b : w.history()) {
      PreparedStatement ps = c.ps(INSERT_HISTORY);
      ps.setString(1, b.namespaceId());
      ps.setString(2, b.runId());
      ps.setLong(3, b.firstEventId());
      ps.setLong(4, b.lastEventId());
      ps.setBytes(5, b.events());
      ps.executeUpdate();
    }
    for (TimerTask t : w.timersToAdd()) {
      PreparedStatement ps = c.ps(INSERT_TIMER);
      ps.setLong(1, t.taskId());
      ps.setInt(2, t.shardId());
      ps.setLong(3, t.fireAtMillis());
      ps.setString(4, t.namespaceId());
      ps.setString(5, t.workflowId());
      ps.setString(6, t.runId());
      ps.setInt(7, t.kind());
      ps.setBytes(8, t.payload());
      ps.executeUpdate();
    }
    deleteAll(c, DELETE_TIMER, w.timersToDelete());
    for (QueueTask q : w.queueTasksToAdd()) {
      PreparedStatement ps = c.ps(INSERT_QUEUE_TASK);
      ps.setLong(1, q.taskId());
      ps.setString(2, q.namespaceId());
      ps.setString(3, q.taskQueue());
      ps.setInt(4, q.kind());
      ps.setString(5, q.workflowId());
      ps.setString(6, q.runId());
      ps.setLong(7, q.scheduledEventId());
      ps.setBytes(8, q.payload());
      ps.setInt(9, q.partitionId());
      ps.executeUpdate();
    }
    deleteAll(c, DELETE_QUEUE_TASK, w.queueTasksToDelete());
    if (w.visibility() != null) {
      visibilityWriter.upsert(c, w.visibility());
    }
    return null;
  }

  /**
   * Range ids read in the current transaction, by shard. They cannot change before it ends (the
   * row is locked FOR SHARE, or the whole database is, on SQLite), so each shard is read once.
   */
  private final Map<Integer, Long> rangeIds = new HashMap<>();
  /** Shards first read by the write in progress: rolling its savepoint back drops their lock. */
  private final List<Integer> readThisWrite = new ArrayList<>();

  private ConflictException checkShard(Conn c, int shardId, long rangeId) throws SQLException {
    Long stored = rangeIds.get(shardId);
    if (stored == null) {
      PreparedStatement ps = c.ps(dialect.shardRangeQuery());
      ps.setInt(1, shardId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return new ConflictException("shard " + shardId + " was never acquired");
        }
        stored = rs.getLong(1);
      }
      rangeIds.put(shardId, stored);
      readThisWrite.add(shardId);
    }
    return stored == rangeId
        ? null
        : new ConflictException(
            "shard " + shardId + " has range id " + stored + " but the write carries "
                + rangeId + " (shard ownership changed)");
  }

  private ConflictException writeExecution(Conn c, ExecutionRecord e, long expectedVersion)
      throws SQLException {
    String run = e.namespaceId() + "/" + e.workflowId() + "/" + e.runId();
    if (expectedVersion == 0) {
      PreparedStatement ps = c.ps(INSERT_EXECUTION);
      ps.setString(1, e.namespaceId());
      ps.setString(2, e.workflowId());
      ps.setString(3, e.runId());
      ps.setInt(4, e.shardId());
      ps.setLong(5, e.dbVersion());
      ps.setInt(6, e.running() ? 1 : 0); // INTEGER 0/1 on every dialect
      ps.setLong(7, e.nextEventId());
      ps.setBytes(8, e.state());
      return ps.executeUpdate() == 1
          ? null
          : new ConflictException("run " + run + " already exists");
    }
    PreparedStatement ps = c.ps(UPDATE_EXECUTION);
    ps.setInt(1, e.shardId());
    ps.setLong(2, e.dbVersion());
    ps.setInt(3, e.running() ? 1 : 0);
    ps.setLong(4, e.nextEventId());
    ps.setBytes(5, e.state());
    ps.setString(6, e.namespaceId());
    ps.setString(7, e.workflowId());
    ps.setString(8, e.runId());
    ps.setLong(9, expectedVersion);
    if (ps.executeUpdate() == 1) {
      return null;
    }
    PreparedStatement q = c.ps(EXECUTION_VERSION);
    q.setString(1, e.namespaceId());
    q.setString(2, e.workflowId());
    q.setString(3, e.runId());
    try (ResultSet rs = q.executeQuery()) {
      return new ConflictException(
          rs.next()
              ? "run " + run + " has db version " + rs.getLong(1) + ", expected " + expectedVersion
              : "run " + run + " does not exist (expected db version " + expectedVersion + ")");
    }
  }

  /**
   * Checks the current-run conditions, then upserts {@code current} if given. With a current row
   * but neither condition set, the row must be absent (the safe reading of the SPI javadoc).
   */
  private ConflictException writeCurrent(Conn c, ExecutionWrite w) throws SQLException {
    CurrentExecution cur = w.current();
    boolean mustBeAbsent =
        w.currentMustBeAbsent() || (cur != null && w.expectedCurrentRunId() == null);
    if (!mustBeAbsent && w.expectedCurrentRunId() == null) {
      return null;
    }
    ExecutionRecord e = w.execution();
    String ns = cur != null ? cur.namespaceId() : e != null ? e.namespaceId() : null;
    String wf = cur != null ? cur.workflowId() : e != null ? e.workflowId() : null;
    if (ns == null) {
      return new ConflictException("current-run condition but no current or execution to say"
          + " which workflow");
    }
    String name = ns + "/" + wf;
    PreparedStatement ps = c.ps(CURRENT_RUN);
    ps.setString(1, ns);
    ps.setString(2, wf);
    String stored;
    try (ResultSet rs = ps.executeQuery()) {
      stored = rs.next() ? rs.getString(1) : null;
    }
    String expected = w.expectedCurrentRunId();
    if (mustBeAbsent && stored != null) {
      return new ConflictException("workflow " + name + " already has current run " + stored);
    }
    if (expected != null && !expected.equals(stored)) {
      return new ConflictException(stored == null
          ? "workflow " + name + " has no current run, expected " + expected
          : "current run of " + name + " is " + stored + ", expected " + expected);
    }
    if (cur != null) {
      PreparedStatement up = c.ps(UPSERT_CURRENT);
      up.setString(1, cur.namespaceId());
      up.setString(2, cur.workflowId());
      up.setString(3, cur.runId());
      up.setInt(4, cur.running() ? 1 : 0);
      up.setString(5, cur.startRequestId());
      up.executeUpdate();
    }
    return null;
  }

  private static void deleteAll(Conn c, String sql, List<Long> ids) throws SQLException {
    for (Long id : ids) {
      PreparedStatement ps = c.ps(sql);
      ps.setLong(1, id);
      ps.executeUpdate(); // 0 rows is fine: the task may already be gone
    }
  }
}
