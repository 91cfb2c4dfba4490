package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.batch.BatchRecord;
import dev.sundial.persistence.batch.BatchStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The batch_operations table over a {@link JdbcStore}'s connections. */
final class JdbcBatchStore implements BatchStore {
  private static final String COLUMNS = "namespace_id, job_id, running, start_time, state";

  private final JdbcStore store;

  JdbcBatchStore(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Optional<BatchRecord> getBatch(String namespaceId, String jobId) {
    return store.read("getBatch", c -> {
      PreparedStatement ps = c.ps("SELECT " + COLUMNS + " FROM batch_operations"
          + " WHERE namespace_id = ? AND job_id = ?");
      ps.setString(1, namespaceId);
      ps.setString(2, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(record(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public boolean insertBatch(BatchRecord r) {
    return store.write("insertBatch", c -> {
      PreparedStatement ps = c.ps("INSERT INTO batch_operations (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace_id, job_id) DO NOTHING");
      ps.setString(1, r.namespaceId());
      ps.setString(2, r.jobId());
      ps.setInt(3, r.running() ? 1 : 0);
      ps.setLong(4, r.startTimeMillis());
      ps.setBytes(5, r.state());
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public void updateBatch(BatchRecord r) {
    store.write("updateBatch", c -> {
      PreparedStatement ps = c.ps("UPDATE batch_operations SET running = ?, state = ?"
          + " WHERE namespace_id = ? AND job_id = ?");
      ps.setInt(1, r.running() ? 1 : 0);
      ps.setBytes(2, r.state());
      ps.setString(3, r.namespaceId());
      ps.setString(4, r.jobId());
      ps.executeUpdate();
      return null;
    });
  }

  @Override
  public List<BatchRecord> listBatches(
      String namespaceId, long afterStartTime, String afterJobId, int limit) {
    return store.read("listBatches", c -> {
      PreparedStatement ps;
      if (afterJobId == null) {
        ps = c.ps("SELECT " + COLUMNS + " FROM batch_operations WHERE namespace_id = ?"
            + " ORDER BY start_time DESC, job_id DESC LIMIT ?");
        ps.setString(1, namespaceId);
        ps.setInt(2, limit);
      } else {
        ps = c.ps("SELECT " + COLUMNS + " FROM batch_operations WHERE namespace_id = ?"
            + " AND (start_time < ? OR (start_time = ? AND job_id < ?))"
            + " ORDER BY start_time DESC, job_id DESC LIMIT ?");
        ps.setString(1, namespaceId);
        ps.setLong(2, afterStartTime);
        ps.setLong(3, afterStartTime);
        ps.setString(4, afterJobId);
        ps.setInt(5, limit);
      }
      return records(ps);
    });
  }

  @Override
  public List<BatchRecord> runningBatches() {
    return store.read("runningBatches", c -> records(c.ps("SELECT " + COLUMNS
        + " FROM batch_operations WHERE running = 1 ORDER BY start_time, job_id")));
  }

  private static List<BatchRecord> records(PreparedStatement ps) throws SQLException {
    List<BatchRecord> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.add(record(rs));
      }
    }
    return result;
  }

  private static BatchRecord record(ResultSet rs) throws SQLException {
    return new BatchRecord(
        rs.getString(1), rs.getString(2), rs.getInt(3) == 1, rs.getLong(4), rs.getBytes(5));
  }
}
