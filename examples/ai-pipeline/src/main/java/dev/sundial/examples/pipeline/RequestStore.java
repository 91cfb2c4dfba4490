package dev.sundial.examples.pipeline;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The application's own table of requests and their outcomes (SQLite or PostgreSQL). */
@Repository
public class RequestStore {
  /** A stored request. */
  public record Row(String id, String userId, String data, String status, String result,
      String error, Instant createdAt, Instant updatedAt) {}

  private final JdbcTemplate jdbc;

  public RequestStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Records a new request; false when one with this id is already there. */
  public boolean insertIfAbsent(AiRequest r) {
    Timestamp now = Timestamp.from(Instant.now());
    return jdbc.update("INSERT INTO requests (id, user_id, data, status, created_at, updated_at)"
            + " VALUES (?, ?, ?, 'RECEIVED', ?, ?) ON CONFLICT (id) DO NOTHING",
        r.id(), r.userId(), r.data(), now, now) == 1;
  }

  public void complete(String id, String result) {
    jdbc.update("UPDATE requests SET status = 'COMPLETED', result = ?, error = NULL, updated_at = ?"
        + " WHERE id = ?", result, Timestamp.from(Instant.now()), id);
  }

  public void fail(String id, String error) {
    jdbc.update("UPDATE requests SET status = 'FAILED', error = ?, updated_at = ? WHERE id = ?",
        error, Timestamp.from(Instant.now()), id);
  }

  public Optional<Row> find(String id) {
    List<Row> rows = jdbc.query("SELECT id, user_id, data, status, result, error, created_at,"
            + " updated_at FROM requests WHERE id = ?",
        (rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(),
            rs.getTimestamp(8).toInstant()),
        id);
    return rows.stream().findFirst();
  }
}
