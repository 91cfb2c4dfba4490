package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.audit.AuditQuery;
import dev.sundial.persistence.audit.AuditRecord;
import dev.sundial.persistence.audit.AuditStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit_log table over a {@link JdbcStore}'s connections. Its writes are small: their success
 * does not clear a write problem (see {@link JdbcStore#smallWrite}).
 */
final class JdbcAuditStore implements AuditStore {
  private static final String COLUMNS = "time, principal, auth_type, source, transport, namespace,"
      + " operation, target, request_id, outcome, message";

  private final JdbcStore store;

  JdbcAuditStore(JdbcStore store) {
    this.store = store;
  }

  @Override
  public List<Long> writeAudit(List<AuditRecord> appends, List<Outcome> outcomes) {
    return store.smallWrite("writeAudit", c -> {
      c.exec(store.dialect().beginWrite());
      try {
        List<Long> ids = new ArrayList<>(appends.size());
        for (AuditRecord r : appends) {
          PreparedStatement ps = c.ps("INSERT INTO audit_log (" + COLUMNS + ")"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
          ps.setLong(1, r.time());
          ps.setString(2, r.principal());
          ps.setString(3, r.authType());
          ps.setString(4, r.source());
          ps.setString(5, r.transport());
          ps.setString(6, r.namespace());
          ps.setString(7, r.operation());
          ps.setString(8, r.target());
          ps.setString(9, r.requestId());
          ps.setString(10, r.outcome());
          ps.setString(11, r.message());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            ids.add(rs.getLong(1));
          }
        }
        for (Outcome o : outcomes) {
          PreparedStatement ps = c.ps("UPDATE audit_log SET outcome = ?, message = ? WHERE id = ?");
          ps.setString(1, o.outcome());
          ps.setString(2, o.message());
          ps.setLong(3, o.id());
          ps.executeUpdate();
        }
        c.exec("COMMIT");
        return ids;
      } catch (SQLException | RuntimeException e) {
        c.tryExec("ROLLBACK");
        throw e;
      }
    });
  }

  @Override
  public List<AuditRecord> listAudit(AuditQuery q) {
    return store.read("listAudit", c -> {
      StringBuilder sql = new StringBuilder("SELECT id, " + COLUMNS + " FROM audit_log WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (q.beforeId() > 0) {
        sql.append(" AND id < ?");
        args.add(q.beforeId());
      }
      if (q.fromTime() != null) {
        sql.append(" AND time >= ?");
        args.add(q.fromTime());
      }
      if (q.toTime() != null) {
        sql.append(" AND time < ?");
        args.add(q.toTime());
      }
      for (String[] f : new String[][] {{"principal", q.principal()}, {"namespace", q.namespace()},
          {"operation", q.operation()}, {"target", q.target()}}) {
        if (f[1] != null) {
          sql.append(" AND ").append(f[0]).append(" = ?");
          args.add(f[1]);
        }
      }
      sql.append(" ORDER BY id DESC LIMIT ?");
      args.add(q.limit());
      PreparedStatement ps = c.ps(sql.toString());
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<AuditRecord> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(record(rs));
        }
      }
      return result;
    });
  }

  @Override
  public int resolvePendingAudit(long olderThan, String message) {
    return store.smallWrite("resolvePendingAudit", c -> {
      PreparedStatement ps = c.ps("UPDATE audit_log SET outcome = ?, message = ?"
          + " WHERE outcome = ? AND time < ?");
      ps.setString(1, AuditRecord.UNKNOWN);
      ps.setString(2, message);
      ps.setString(3, AuditRecord.PENDING);
      ps.setLong(4, olderThan);
      return ps.executeUpdate();
    });
  }

  @Override
  public int deleteAuditBefore(long olderThan, int limit) {
    return store.write("deleteAuditBefore", c -> {
      PreparedStatement ps = c.ps("DELETE FROM audit_log WHERE id IN"
          + " (SELECT id FROM audit_log WHERE time < ? ORDER BY id LIMIT ?)");
      ps.setLong(1, olderThan);
      ps.setInt(2, limit);
      return ps.executeUpdate();
    });
  }

  private static AuditRecord record(ResultSet rs) throws SQLException {
    return new AuditRecord(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11), rs.getString(12));
  }
}
