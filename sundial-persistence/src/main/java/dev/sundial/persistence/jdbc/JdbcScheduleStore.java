package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.schedule.ScheduleRecord;
import dev.sundial.persistence.schedule.ScheduleStore;
import dev.sundial.persistence.schedule.ScheduleWakeup;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The schedules table over a {@link JdbcStore}'s connections (same writer lock, same readers). */
final class JdbcScheduleStore implements ScheduleStore {
  private static final String COLUMNS =
      "namespace_id, schedule_id, shard_id, version, next_wakeup, state";

  private final JdbcStore store;
  private final Dialect dialect;

  JdbcScheduleStore(JdbcStore store, Dialect dialect) {
    this.store = store;
    this.dialect = dialect;
  }

  @Override
  public Optional<ScheduleRecord> getSchedule(String namespaceId, String scheduleId) {
    return store.read("getSchedule", c -> {
      PreparedStatement ps = c.ps("SELECT " + COLUMNS + " FROM schedules"
          + " WHERE namespace_id = ? AND schedule_id = ?");
      ps.setString(1, namespaceId);
      ps.setString(2, scheduleId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(record(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public List<ScheduleRecord> listSchedules(String namespaceId, String afterScheduleId, int limit) {
    return store.read("listSchedules", c -> {
      PreparedStatement ps = c.ps("SELECT " + COLUMNS + " FROM schedules"
          + " WHERE namespace_id = ? AND schedule_id > ? ORDER BY schedule_id LIMIT ?");
      ps.setString(1, namespaceId);
      ps.setString(2, afterScheduleId == null ? "" : afterScheduleId);
      ps.setInt(3, limit);
      List<ScheduleRecord> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(record(rs));
        }
      }
      return result;
    });
  }

  @Override
  public List<ScheduleWakeup> scheduleWakeups(long beforeMillis, int limit) {
    return store.read("scheduleWakeups", c -> {
      PreparedStatement ps = c.ps("SELECT namespace_id, schedule_id, next_wakeup FROM schedules"
          + " WHERE next_wakeup IS NOT NULL AND next_wakeup < ?"
          + " ORDER BY next_wakeup, namespace_id, schedule_id LIMIT ?");
      ps.setLong(1, beforeMillis);
      ps.setInt(2, limit);
      List<ScheduleWakeup> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(new ScheduleWakeup(rs.getString(1), rs.getString(2), rs.getLong(3)));
        }
      }
      return result;
    });
  }

  @Override
  public void writeSchedule(long rangeId, ScheduleRecord r, long expectedVersion) {
    if (r.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("schedule version must be expectedVersion + 1, got "
          + r.version() + " with expected " + expectedVersion);
    }
    if (r.state() == null) {
      throw new IllegalArgumentException("schedule state is null");
    }
    String name = r.namespaceId() + "/" + r.scheduleId();
    transaction("writeSchedule", r.shardId(), rangeId, c -> {
      if (expectedVersion == 0) {
        PreparedStatement ps = c.ps("INSERT INTO schedules (" + COLUMNS + ")"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (namespace_id, schedule_id) DO NOTHING");
        ps.setString(1, r.namespaceId());
        ps.setString(2, r.scheduleId());
        ps.setInt(3, r.shardId());
        ps.setLong(4, r.version());
        setWakeup(ps, 5, r.nextWakeupMillis());
        ps.setBytes(6, r.state());
        if (ps.executeUpdate() != 1) {
          throw new ConflictException("schedule " + name + " already exists");
        }
        return;
      }
      PreparedStatement ps = c.ps("UPDATE schedules SET shard_id = ?, version = ?,"
          + " next_wakeup = ?, state = ? WHERE namespace_id = ? AND schedule_id = ?"
          + " AND version = ?");
      ps.setInt(1, r.shardId());
      ps.setLong(2, r.version());
      setWakeup(ps, 3, r.nextWakeupMillis());
      ps.setBytes(4, r.state());
      ps.setString(5, r.namespaceId());
      ps.setString(6, r.scheduleId());
      ps.setLong(7, expectedVersion);
      if (ps.executeUpdate() != 1) {
        throw new ConflictException(
            "schedule " + name + " does not exist or its version is not " + expectedVersion);
      }
    });
  }

  @Override
  public void deleteSchedule(
      int shardId, long rangeId, String namespaceId, String scheduleId, long expectedVersion) {
    transaction("deleteSchedule", shardId, rangeId, c -> {
      PreparedStatement ps = c.ps("DELETE FROM schedules"
          + " WHERE namespace_id = ? AND schedule_id = ? AND version = ?");
      ps.setString(1, namespaceId);
      ps.setString(2, scheduleId);
      ps.setLong(3, expectedVersion);
      if (ps.executeUpdate() != 1) {
        throw new ConflictException("schedule " + namespaceId + "/" + scheduleId
            + " does not exist or its version is not " + expectedVersion);
      }
    });
  }

  private interface TxnWork {
    void run(Conn c) throws SQLException;
  }

  /** Runs work in a write transaction after checking the shard's range id (fencing). */
  private void transaction(String what, int shardId, long rangeId, TxnWork work) {
    store.write(what, c -> {
      c.exec(dialect.beginWrite());
      try {
        PreparedStatement ps = c.ps(dialect.shardRangeQuery());
        ps.setInt(1, shardId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new ConflictException("shard " + shardId + " was never acquired");
          }
          if (rs.getLong(1) != rangeId) {
            throw new ConflictException("shard " + shardId + " has range id " + rs.getLong(1)
                + " but the write carries " + rangeId + " (shard ownership changed)");
          }
        }
        work.run(c);
        c.exec("COMMIT");
        return null;
      } catch (SQLException | RuntimeException e) {
        c.tryExec("ROLLBACK");
        throw e;
      }
    });
  }

  private static void setWakeup(PreparedStatement ps, int index, long wakeup)
      throws SQLException {
    if (wakeup == ScheduleRecord.NO_WAKEUP) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, wakeup);
    }
  }

  private static ScheduleRecord record(ResultSet rs) throws SQLException {
    long wakeup = rs.getLong(5);
    if (rs.wasNull()) {
      wakeup = ScheduleRecord.NO_WAKEUP;
    }
    return new ScheduleRecord(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
        wakeup, rs.getBytes(6));
  }
}
