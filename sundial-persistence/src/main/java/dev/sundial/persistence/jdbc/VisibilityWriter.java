package dev.sundial.persistence.jdbc;

import dev.sundial.persistence.visibility.VisibilityRecord;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * Writes visibility rows inside the batch transaction (the same savepoint as the run's state).
 * Columns that never change for a run are written once; the rest are refreshed by every write,
 * unless the stored row already reflects a later state (it never goes back).
 */
final class VisibilityWriter {
  private static final String UPSERT_TEMPLATE =
      "INSERT INTO executions_visibility (namespace_id, run_id, workflow_id, workflow_type,"
          + " status, start_time, execution_time, close_time, execution_duration, history_length,"
          + " history_size_bytes, state_transition_count, task_queue, parent_workflow_id,"
          + " parent_run_id, root_workflow_id, root_run_id, namespace_division, search_attributes,"
          + " text_tokens, info) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {json},"
          + " {json}, ?) ON CONFLICT (namespace_id, run_id) DO UPDATE SET status = excluded.status,"
          + " execution_time = excluded.execution_time, close_time = excluded.close_time,"
          + " execution_duration = excluded.execution_duration,"
          + " history_length = excluded.history_length,"
          + " history_size_bytes = excluded.history_size_bytes,"
          + " state_transition_count = excluded.state_transition_count,"
          + " namespace_division = excluded.namespace_division,"
          + " search_attributes = excluded.search_attributes, text_tokens = excluded.text_tokens,"
          + " info = excluded.info"
          + " WHERE executions_visibility.state_transition_count <= excluded.state_transition_count";
  /**
   * The common case: only counters and the description changed. Touches no indexed column, so
   * no index is rewritten; matches nothing (and the full upsert runs) when anything else changed.
   */
  private final String refresh;
  private final String upsert;
  static final String DELETE =
      "DELETE FROM executions_visibility WHERE namespace_id = ? AND workflow_id = ? AND run_id = ?";

  VisibilityWriter(VisibilitySqlDialect dialect) {
    String json = dialect.jsonDocument();
    this.upsert = UPSERT_TEMPLATE.replace("{json}", json);
    this.refresh = "UPDATE executions_visibility SET history_length = ?, history_size_bytes = ?,"
        + " state_transition_count = ?, info = ? WHERE namespace_id = ? AND run_id = ?"
        + " AND state_transition_count <= ? AND status = ? AND execution_time = ?"
        + " AND " + dialect.nullSafeEquals("close_time")
        + " AND " + dialect.nullSafeEquals("execution_duration")
        + " AND " + dialect.nullSafeEquals("namespace_division")
        + " AND " + dialect.nullSafeEquals("search_attributes").replaceFirst("\\?$", json);
  }

  void upsert(Conn c, VisibilityRecord r) throws SQLException {
    String attributes = VisibilityJson.attributes(r.searchAttributes());
    PreparedStatement refresh = c.ps(this.refresh);
    int j = 1;
    refresh.setLong(j++, r.historyLength());
    refresh.setLong(j++, r.historySizeBytes());
    refresh.setLong(j++, r.stateTransitionCount());
    refresh.setBytes(j++, r.info());
    refresh.setString(j++, r.namespaceId());
    refresh.setString(j++, r.runId());
    refresh.setLong(j++, r.stateTransitionCount());
    refresh.setInt(j++, r.status());
    refresh.setLong(j++, r.executionTime());
    setLong(refresh, j++, r.closeTime());
    setLong(refresh, j++, r.executionDuration());
    refresh.setString(j++, r.namespaceDivision());
    refresh.setString(j, attributes);
    if (refresh.executeUpdate() == 1) {
      return;
    }
    PreparedStatement ps = c.ps(upsert);
    int i = 1;
    ps.setString(i++, r.namespaceId());
    ps.setString(i++, r.runId());
    ps.setString(i++, r.workflowId());
    ps.setString(i++, r.workflowType());
    ps.setInt(i++, r.status());
    ps.setLong(i++, r.startTime());
    ps.setLong(i++, r.executionTime());
    setLong(ps, i++, r.closeTime());
    setLong(ps, i++, r.executionDuration());
    ps.setLong(i++, r.historyLength());
    ps.setLong(i++, r.historySizeBytes());
    ps.setLong(i++, r.stateTransitionCount());
    ps.setString(i++, r.taskQueue());
    ps.setString(i++, r.parentWorkflowId());
    ps.setString(i++, r.parentRunId());
    ps.setString(i++, r.rootWorkflowId());
    ps.setString(i++, r.rootRunId());
    ps.setString(i++, r.namespaceDivision());
    ps.setString(i++, attributes);
    ps.setString(i++, VisibilityJson.textTokens(r.searchAttributes()));
    ps.setBytes(i, r.info());
    ps.executeUpdate();
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
