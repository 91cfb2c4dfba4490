package dev.sundial.examples.chat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The chat service's tables: sessions, messages, dead letters and the audit trail, per tenant. */
@Repository
public class ChatStore {
  private final JdbcTemplate jdbc;

  public ChatStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now());
  }

  public void createSession(String tenant, String id, String title) {
    jdbc.update("INSERT INTO sessions (tenant, id, title, status, created_at, last_activity)"
        + " VALUES (?, ?, ?, 'ACTIVE', ?, ?)", tenant, id, title, now(), now());
  }

  public List<Map<String, Object>> sessions(String tenant) {
    return jdbc.queryForList("SELECT id, title, status, created_at AS \"createdAt\","
        + " last_activity AS \"lastActivity\" FROM sessions WHERE tenant = ? ORDER BY created_at, id",
        tenant);
  }

  public Optional<Map<String, Object>> session(String tenant, String id) {
    return jdbc.queryForList("SELECT id, title, status, created_at AS \"createdAt\","
        + " last_activity AS \"lastActivity\" FROM sessions WHERE tenant = ? AND id = ?", tenant, id)
        .stream().findFirst();
  }

  public void archiveSession(String tenant, String id) {
    jdbc.update("UPDATE sessions SET status = 'ARCHIVED' WHERE tenant = ? AND id = ?", tenant, id);
  }

  public void deleteSession(String tenant, String id) {
    jdbc.update("DELETE FROM messages WHERE tenant = ? AND session_id = ?", tenant, id);
    jdbc.update("DELETE FROM sessions WHERE tenant = ? AND id = ?", tenant, id);
  }

  /** Both messages of an exchange, once: the user's as {id}-q, the assistant's as {id}-a. */
  public void saveExchange(String tenant, String sessionId, String messageId, String user,
      String assistant, String status) {
    Timestamp at = now();
    jdbc.update("INSERT INTO messages (tenant, id, session_id, role, content, status, created_at)"
        + " VALUES (?, ?, ?, 'user', ?, 'SENT', ?) ON CONFLICT (tenant, id) DO NOTHING",
        tenant, messageId + "-q", sessionId, user, at);
    jdbc.update("INSERT INTO messages (tenant, id, session_id, role, content, status, created_at)"
        + " VALUES (?, ?, ?, 'assistant', ?, ?, ?) ON CONFLICT (tenant, id) DO NOTHING",
        tenant, messageId + "-a", sessionId, assistant, status, new Timestamp(at.getTime() + 1));
    jdbc.update("UPDATE sessions SET last_activity = ? WHERE tenant = ? AND id = ?", at, tenant,
        sessionId);
  }

  public void answer(String tenant, String messageId, String assistant) {
    jdbc.update("UPDATE messages SET content = ?, status = 'ANSWERED' WHERE tenant = ? AND id = ?",
        assistant, tenant, messageId + "-a");
  }

  public List<Map<String, Object>> messages(String tenant, String sessionId) {
    return jdbc.queryForList("SELECT id, role, content, status, created_at AS \"createdAt\""
        + " FROM messages WHERE tenant = ? AND session_id = ? ORDER BY created_at, id",
        tenant, sessionId);
  }

  /** The session's user messages, newest first (context retrieval searches them). */
  public List<String> userMessages(String tenant, String sessionId, int limit) {
    return jdbc.queryForList("SELECT content FROM messages WHERE tenant = ? AND session_id = ?"
        + " AND role = 'user' ORDER BY created_at DESC LIMIT ?", String.class, tenant, sessionId, limit);
  }

  public void deadLetter(String tenant, String sessionId, String messageId, String content,
      String error) {
    jdbc.update("UPDATE messages SET status = 'FAILED' WHERE tenant = ? AND id = ?", tenant,
        messageId + "-a");
    jdbc.update("INSERT INTO dead_letters (tenant, id, session_id, content, error, created_at)"
        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, id) DO NOTHING",
        tenant, messageId, sessionId, content, error, now());
  }

  public List<Map<String, Object>> deadLetters(String tenant) {
    return jdbc.queryForList("SELECT id, session_id AS \"sessionId\", content, error,"
        + " created_at AS \"createdAt\" FROM dead_letters WHERE tenant = ? ORDER BY created_at, id",
        tenant);
  }

  public Optional<Map<String, Object>> deadLetter(String tenant, String id) {
    return jdbc.queryForList("SELECT id, session_id AS \"sessionId\", content, error FROM"
        + " dead_letters WHERE tenant = ? AND id = ?", tenant, id).stream().findFirst();
  }

  public void removeDeadLetter(String tenant, String id) {
    jdbc.update("DELETE FROM dead_letters WHERE tenant = ? AND id = ?", tenant, id);
  }

  public void audit(String tenant, String actor, String action, String target) {
    jdbc.update("INSERT INTO audit (id, tenant, actor, action, target, at) VALUES (?, ?, ?, ?, ?, ?)",
        java.util.UUID.randomUUID().toString(), tenant, actor, action, target, now());
  }

  public List<Map<String, Object>> auditTrail(String tenant) {
    return jdbc.queryForList("SELECT actor, action, target, at FROM audit WHERE tenant = ?"
        + " ORDER BY at", tenant);
  }

  public int activeSessions() {
    Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM sessions WHERE status = 'ACTIVE'", Integer.class);
    return n == null ? 0 : n;
  }

  public List<String> inactiveSessions(String tenant, long cutoff, int limit) {
    return jdbc.queryForList("SELECT id FROM sessions WHERE tenant = ? AND status = 'ACTIVE'"
        + " AND last_activity < ? ORDER BY last_activity LIMIT ?", String.class, tenant,
        new Timestamp(cutoff), limit);
  }

  public List<String> expiredSessions(String tenant, long cutoff, int limit) {
    return jdbc.queryForList("SELECT id FROM sessions WHERE tenant = ? AND status = 'ARCHIVED'"
        + " AND last_activity < ? ORDER BY last_activity LIMIT ?", String.class, tenant,
        new Timestamp(cutoff), limit);
  }

  /** Backdates a session's last activity (tests, imports). */
  public void setLastActivity(String tenant, String id, Instant at) {
    jdbc.update("UPDATE sessions SET last_activity = ? WHERE tenant = ? AND id = ?",
        Timestamp.from(at), tenant, id);
  }
}
