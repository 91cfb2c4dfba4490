package dev.sundial.examples.tasks;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The task tracker's tables: tasks, users, hand-offs, notifications sent, cleanup runs. */
@Repository
public class TaskStore {
  /** A task as stored. */
  public record Task(String id, String title, String description, String assignedTo,
      String createdBy, String status, Instant dueAt, Instant createdAt, Instant closedAt,
      String completedBy, String note) {}

  private final JdbcTemplate jdbc;

  public TaskStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  private static Timestamp ts(long millis) {
    return new Timestamp(millis);
  }

  private static Timestamp now() {
    return Timestamp.from(Instant.now());
  }

  public void insertTaskIfAbsent(TaskSpec t) {
    jdbc.update("INSERT INTO tasks (id, title, description, assigned_to, created_by, status,"
            + " due_at, created_at) VALUES (?, ?, ?, ?, ?, 'OPEN', ?, ?) ON CONFLICT (id) DO NOTHING",
        t.id(), t.title(), t.description(), t.assignedTo(), t.createdBy(), ts(t.dueAt()),
        ts(t.createdAt()));
  }

  public void setAssignee(String id, String assignee) {
    jdbc.update("UPDATE tasks SET assigned_to = ? WHERE id = ?", assignee, id);
  }

  public void setStatus(String id, String status) {
    boolean closes = status.equals("COMPLETED") || status.equals("EXPIRED");
    jdbc.update("UPDATE tasks SET status = ?, closed_at = " + (closes ? "?" : "closed_at")
        + " WHERE id = ?", closes ? new Object[] {status, now(), id} : new Object[] {status, id});
  }

  public void complete(String id, String by, String note) {
    jdbc.update("UPDATE tasks SET status = 'COMPLETED', completed_by = ?, note = ?, closed_at = ?"
        + " WHERE id = ?", by, note, now(), id);
  }

  public Optional<Task> task(String id) {
    return tasks("WHERE id = ?", id).stream().findFirst();
  }

  public List<Task> tasks(String where, Object... args) {
    return jdbc.query("SELECT id, title, description, assigned_to, created_by, status, due_at,"
            + " created_at, closed_at, completed_by, note FROM tasks " + where
            + " ORDER BY created_at, id",
        (rs, n) -> new Task(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(),
            rs.getTimestamp(8).toInstant(),
            rs.getTimestamp(9) == null ? null : rs.getTimestamp(9).toInstant(), rs.getString(10),
            rs.getString(11)),
        args);
  }

  /** Deletes up to {@code limit} tasks closed before the cutoff. */
  public int deleteClosedBefore(long cutoff, int limit) {
    return jdbc.update("DELETE FROM tasks WHERE id IN (SELECT id FROM tasks WHERE closed_at < ?"
        + " AND status IN ('COMPLETED', 'EXPIRED') ORDER BY closed_at LIMIT ?)", ts(cutoff), limit);
  }

  /** Backdates a task's closing (for tests and data imports). */
  public void setClosedAt(String id, Instant closedAt) {
    jdbc.update("UPDATE tasks SET closed_at = ? WHERE id = ?", Timestamp.from(closedAt), id);
  }

  public void recordHandoff(String relayId, String taskId, String from, String to, String by,
      String note) {
    jdbc.update("INSERT INTO handoffs (id, task_id, from_user, to_user, by_user, note, at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        relayId, taskId, from, to, by, note, now());
  }

  public List<Map<String, Object>> handoffs(String taskId) {
    return jdbc.queryForList("SELECT id, from_user AS \"from\", to_user AS \"to\", by_user AS \"by\","
        + " note FROM handoffs WHERE task_id = ? ORDER BY at, id", taskId);
  }

  public void upsertUser(String id, String name, String onboarding) {
    if (jdbc.update("UPDATE users SET onboarding = ? WHERE id = ?", onboarding, id) == 0) {
      jdbc.update("INSERT INTO users (id, name, onboarding, created_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (id) DO NOTHING", id, name, onboarding, now());
    }
  }

  public Optional<Map<String, Object>> user(String id) {
    return jdbc.queryForList("SELECT id, name, onboarding FROM users WHERE id = ?", id).stream()
        .findFirst();
  }

  /** Records a notification; false when one with its id was already recorded. */
  public boolean recordNotification(Notification n) {
    return jdbc.update("INSERT INTO notifications (id, user_id, kind, subject, message, sent_at)"
        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        n.id(), n.user(), n.kind(), n.subject(), n.message(), now()) == 1;
  }

  public boolean notificationSent(String id) {
    return !jdbc.queryForList("SELECT 1 FROM notifications WHERE id = ?", id).isEmpty();
  }

  public List<Map<String, Object>> notifications(String user) {
    return jdbc.queryForList("SELECT id, kind, subject, message FROM notifications"
        + " WHERE user_id = ? ORDER BY sent_at, id", user);
  }

  public void recordCleanup(String runId, int deleted) {
    jdbc.update("INSERT INTO cleanup_runs (id, deleted, at) VALUES (?, ?, ?)"
        + " ON CONFLICT (id) DO NOTHING", runId, deleted, now());
  }

  public List<Map<String, Object>> cleanupRuns() {
    return jdbc.queryForList("SELECT id, deleted FROM cleanup_runs ORDER BY at, id");
  }
}
