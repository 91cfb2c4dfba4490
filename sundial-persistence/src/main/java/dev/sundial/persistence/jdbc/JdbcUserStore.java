package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.access.UserRecord;
import dev.sundial.persistence.access.UserStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The users table over a {@link JdbcStore}'s connections. */
final class JdbcUserStore implements UserStore {
  private static final String COLUMNS = "name, roles, password_hash, created_at";

  private final JdbcStore store;

  JdbcUserStore(JdbcStore store) {
    this.store = store;
  }

  @Override
  public boolean insertUser(UserRecord u) {
    return store.write("insertUser", c -> {
      PreparedStatement ps = c.ps("INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (name) DO NOTHING");
      ps.setString(1, u.name());
      ps.setString(2, u.roles());
      ps.setString(3, u.passwordHash());
      ps.setLong(4, u.createdAt());
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public Optional<UserRecord> userByName(String name) {
    return store.read("userByName", c -> {
      PreparedStatement ps = c.ps("SELECT " + COLUMNS + " FROM users WHERE name = ?");
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(record(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public List<UserRecord> listUsers() {
    return store.read("listUsers", c -> {
      List<UserRecord> result = new ArrayList<>();
      try (ResultSet rs = c.ps("SELECT " + COLUMNS + " FROM users ORDER BY name").executeQuery()) {
        while (rs.next()) {
          result.add(record(rs));
        }
      }
      return result;
    });
  }

  @Override
  public boolean deleteUser(String name) {
    return store.write("deleteUser", c -> {
      PreparedStatement ps = c.ps("DELETE FROM users WHERE name = ?");
      ps.setString(1, name);
      return ps.executeUpdate() == 1;
    });
  }

  private static UserRecord record(ResultSet rs) throws SQLException {
    return new UserRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4));
  }
}
