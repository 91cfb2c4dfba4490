package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.visibility.SaType;
import dev.sundial.persistence.visibility.VisibilityFilter;
import dev.sundial.persistence.visibility.VisibilityPage;
import dev.sundial.persistence.visibility.VisibilityQuery;
import dev.sundial.persistence.visibility.VisibilityStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Visibility reads and the search attribute registry over a {@link JdbcStore}'s connections.
 * Queries are built per request (so they are prepared, used and closed here rather than cached
 * with the store's fixed statements).
 */
final class JdbcVisibilityStore implements VisibilityStore {
  private final JdbcStore store;
  private final VisibilitySqlDialect dialect;

  JdbcVisibilityStore(JdbcStore store, VisibilitySqlDialect dialect) {
    this.store = store;
    this.dialect = dialect;
  }

  @Override
  public VisibilityPage list(
      String namespaceId, VisibilityQuery query, int pageSize, byte[] pageToken) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be positive");
    }
    VisibilitySql q = new VisibilitySql(dialect);
    List<VisibilitySql.Key> keys = q.keys(query);
    int fingerprint = fingerprint(keys);
    List<Object> after =
        pageToken == null || pageToken.length == 0
            ? null
            : VisibilityPageToken.decode(pageToken, fingerprint, keys.size());
    q.append("SELECT v.info");
    q.keyColumns(keys);
    q.append(" FROM " + VisibilitySql.TABLE + " v");
    q.where(namespaceId, query.filter());
    if (after != null) {
      q.after(keys, after);
    }
    q.orderBy(keys);
    q.append(" LIMIT ").param((long) pageSize);
    return store.read("listVisibility", c -> {
      List<byte[]> rows = new ArrayList<>();
      List<Object> last = null;
      try (PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getBytes(1));
          last = new ArrayList<>(keys.size());
          for (int i = 0; i < keys.size(); i++) {
            last.add(rs.getObject(i + 2));
          }
        }
      }
      byte[] next =
          rows.size() == pageSize ? VisibilityPageToken.encode(fingerprint, last) : null;
      return new VisibilityPage(rows, next);
    });
  }

  @Override
  public long count(String namespaceId, VisibilityFilter filter) {
    VisibilitySql q = new VisibilitySql(dialect);
    q.append("SELECT COUNT(*) FROM " + VisibilitySql.TABLE + " v");
    q.where(namespaceId, filter);
    return store.read("countVisibility", c -> {
      try (PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  @Override
  public Map<Integer, Long> countByStatus(String namespaceId, VisibilityFilter filter) {
    VisibilitySql q = new VisibilitySql(dialect);
    q.append("SELECT v.status, COUNT(*) FROM " + VisibilitySql.TABLE + " v");
    q.where(namespaceId, filter);
    q.append(" GROUP BY v.status ORDER BY v.status");
    return store.read("countVisibilityByStatus", c -> {
      Map<Integer, Long> result = new LinkedHashMap<>();
      try (PreparedStatement ps = prepare(c, q); ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.put(rs.getInt(1), rs.getLong(2));
        }
      }
      return result;
    });
  }

  @Override
  public Map<String, Map<String, SaType>> loadSearchAttributes() {
    return store.read("loadSearchAttributes", c -> {
      Map<String, Map<String, SaType>> result = new TreeMap<>();
      try (ResultSet rs =
          c.ps("SELECT namespace_id, name, type FROM search_attributes").executeQuery()) {
        while (rs.next()) {
          SaType type = SaType.ofTemporalName(rs.getString(3));
          if (type != null) {
            result.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), type);
          }
        }
      }
      return result;
    });
  }

  @Override
  public void addSearchAttributes(String namespaceId, Map<String, SaType> attributes) {
    store.write("addSearchAttributes", c -> inTransaction(c, () -> {
      for (var e : attributes.entrySet()) {
        PreparedStatement ps =
            c.ps("INSERT INTO search_attributes (namespace_id, name, type) VALUES (?, ?, ?)"
                + " ON CONFLICT (namespace_id, name) DO UPDATE SET type = excluded.type");
        ps.setString(1, namespaceId);
        ps.setString(2, e.getKey());
        ps.setString(3, e.getValue().temporalName());
        ps.executeUpdate();
      }
    }));
  }

  @Override
  public void removeSearchAttributes(String namespaceId, Collection<String> names) {
    store.write("removeSearchAttributes", c -> inTransaction(c, () -> {
      for (String name : names) {
        PreparedStatement ps =
            c.ps("DELETE FROM search_attributes WHERE namespace_id = ? AND name = ?");
        ps.setString(1, namespaceId);
        ps.setString(2, name);
        ps.executeUpdate();
      }
    }));
  }

  @FunctionalInterface
  private interface SqlAction {
    void run() throws SQLException;
  }

  private Object inTransaction(Conn c, SqlAction action) throws SQLException {
    c.exec(store.dialect().beginWrite());
    try {
      action.run();
      c.exec("COMMIT");
      return null;
    } catch (SQLException | RuntimeException e) {
      c.tryExec("ROLLBACK");
      throw e;
    }
  }

  private static PreparedStatement prepare(Conn c, VisibilitySql q) throws SQLException {
    PreparedStatement ps = c.connection.prepareStatement(q.sql.toString());
    try {
      for (int i = 0; i < q.params.size(); i++) {
        ps.setObject(i + 1, q.params.get(i));
      }
      return ps;
    } catch (SQLException | RuntimeException e) {
      ps.close();
      throw e;
    }
  }

  private static int fingerprint(List<VisibilitySql.Key> keys) {
    StringBuilder b = new StringBuilder();
    for (VisibilitySql.Key k : keys) {
      b.append(k.sql()).append(k.params()).append(k.descending()).append(';');
    }
    return b.toString().hashCode();
  }
}
