package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.access.ApiKeyRecord;
import dev.sundial.persistence.access.ApiKeyStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The api_keys table over a {@link JdbcStore}'s connections. */
final class JdbcApiKeyStore implements ApiKeyStore {
  private static final String COLUMNS =
      "id, name, owner, roles, key_hash, created_at, expires_at, revoked_at";

  private final JdbcStore store;

  JdbcApiKeyStore(JdbcStore store) {
    this.store = store;
  }

  @Override
  public boolean insertApiKey(ApiKeyRecord k) {
    return store.write("insertApiKey", c -> {
      // The partial unique index on active names turns a taken name into a skipped insert.
      PreparedStatement ps = c.ps("INSERT INTO api_keys (" + COLUMNS + ")"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING");
      ps.setString(1, k.id());
      ps.setString(2, k.name());
      ps.setString(3, k.owner());
      ps.setString(4, k.roles());
      ps.setBytes(5, k.keyHash());
      ps.setLong(6, k.createdAt());
      if (k.expiresAt() == null) {
        ps.setNull(7, Types.BIGINT);
      } else {
        ps.setLong(7, k.expiresAt());
      }
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public Optional<ApiKeyRecord> apiKeyByHash(byte[] keyHash) {
    return store.read("apiKeyByHash", c -> {
      PreparedStatement ps = c.ps("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?");
      ps.setBytes(1, keyHash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(record(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public List<ApiKeyRecord> listApiKeys() {
    return store.read("listApiKeys", c -> {
      List<ApiKeyRecord> result = new ArrayList<>();
      try (ResultSet rs = c.ps("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")
          .executeQuery()) {
        while (rs.next()) {
          result.add(record(rs));
        }
      }
      return result;
    });
  }

  @Override
  public boolean revokeApiKey(String id, long revokedAt) {
    return store.write("revokeApiKey", c -> {
      PreparedStatement ps =
          c.ps("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
      ps.setLong(1, revokedAt);
      ps.setString(2, id);
      return ps.executeUpdate() == 1;
    });
  }

  private static ApiKeyRecord record(ResultSet rs) throws SQLException {
    long expires = rs.getLong(7);
    Long expiresAt = rs.wasNull() ? null : expires;
    long revoked = rs.getLong(8);
    Long revokedAt = rs.wasNull() ? null : revoked;
    return new ApiKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getBytes(5), rs.getLong(6), expiresAt, revokedAt);
  }
}
