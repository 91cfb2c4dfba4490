package dev.sundial.persistence.visibility;

/**
 * The visibility columns a query can address directly: Temporal's system search attributes (plus
 * the predefined TemporalNamespaceDivision, kept in a column because every list filters on it).
 * Times and durations are epoch / plain nanoseconds; ExecutionStatus is the enum number.
 */
public enum SystemField {
  WORKFLOW_ID("WorkflowId", "workflow_id", SaType.KEYWORD, false),
  RUN_ID("RunId", "run_id", SaType.KEYWORD, false),
  WORKFLOW_TYPE("WorkflowType", "workflow_type", SaType.KEYWORD, false),
  START_TIME("StartTime", "start_time", SaType.DATETIME, false),
  EXECUTION_TIME("ExecutionTime", "execution_time", SaType.DATETIME, false),
  CLOSE_TIME("CloseTime", "close_time", SaType.DATETIME, true),
  EXECUTION_STATUS("ExecutionStatus", "status", SaType.KEYWORD, false),
  TASK_QUEUE("TaskQueue", "task_queue", SaType.KEYWORD, false),
  HISTORY_LENGTH("HistoryLength", "history_length", SaType.INT, false),
  HISTORY_SIZE_BYTES("HistorySizeBytes", "history_size_bytes", SaType.INT, false),
  EXECUTION_DURATION("ExecutionDuration", "execution_duration", SaType.INT, true),
  STATE_TRANSITION_COUNT("StateTransitionCount", "state_transition_count", SaType.INT, false),
  PARENT_WORKFLOW_ID("ParentWorkflowId", "parent_workflow_id", SaType.KEYWORD, true),
  PARENT_RUN_ID("ParentRunId", "parent_run_id", SaType.KEYWORD, true),
  ROOT_WORKFLOW_ID("RootWorkflowId", "root_workflow_id", SaType.KEYWORD, true),
  ROOT_RUN_ID("RootRunId", "root_run_id", SaType.KEYWORD, true),
  NAMESPACE_DIVISION("TemporalNamespaceDivision", "namespace_division", SaType.KEYWORD, true);

  private final String attributeName;
  private final String column;
  private final SaType type;
  private final boolean nullable;

  SystemField(String attributeName, String column, SaType type, boolean nullable) {
    this.attributeName = attributeName;
    this.column = column;
    this.type = type;
    this.nullable = nullable;
  }

  /** The search attribute name users write in queries. */
  public String attributeName() {
    return attributeName;
  }

  /** The column of executions_visibility holding it. */
  public String column() {
    return column;
  }

  /** The search attribute type Temporal reports for it. */
  public SaType type() {
    return type;
  }

  public boolean nullable() {
    return nullable;
  }

  /** The field with this search attribute name (exact, case-sensitive as Temporal), or null. */
  public static SystemField ofAttributeName(String name) {
    for (SystemField f : values()) {
      if (f.attributeName.equals(name)) {
        return f;
      }
    }
    return null;
  }
}
