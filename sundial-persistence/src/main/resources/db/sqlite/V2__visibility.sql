-- Visibility: one row per workflow run, written in the same transaction as the run's state.
-- Times are epoch nanoseconds, durations nanoseconds; close_time and execution_duration are NULL
-- while the run is open. status is the WorkflowExecutionStatus number. Custom (and predefined)
-- search attributes live in search_attributes, a JSON object of typed values (Datetime as epoch
-- nanoseconds); text_tokens holds the words of each Text attribute for word matching. info is the
-- engine's serialized WorkflowExecutionInfo, returned by list queries as is.

CREATE TABLE executions_visibility (
  namespace_id           TEXT    NOT NULL,
  run_id                 TEXT    NOT NULL,
  workflow_id            TEXT    NOT NULL,
  workflow_type          TEXT    NOT NULL,
  status                 INTEGER NOT NULL,
  start_time             INTEGER NOT NULL,
  execution_time         INTEGER NOT NULL,
  close_time             INTEGER,
  execution_duration     INTEGER,
  history_length         INTEGER NOT NULL,
  history_size_bytes     INTEGER NOT NULL,
  state_transition_count INTEGER NOT NULL,
  task_queue             TEXT    NOT NULL,
  parent_workflow_id     TEXT,
  parent_run_id          TEXT,
  root_workflow_id       TEXT,
  root_run_id            TEXT,
  namespace_division     TEXT,
  search_attributes      TEXT,
  text_tokens            TEXT,
  info                   BLOB    NOT NULL,
  PRIMARY KEY (namespace_id, run_id)
);

-- The default order (open runs first, then newest close, newest start, run id), alone and after
-- the most common equality filters. The COALESCE expression must match the one queries use.
CREATE INDEX vis_default ON executions_visibility
  (namespace_id, COALESCE(close_time, 9223372036854775807) DESC, start_time DESC, run_id);
CREATE INDEX vis_status ON executions_visibility
  (namespace_id, status, COALESCE(close_time, 9223372036854775807) DESC, start_time DESC, run_id);
CREATE INDEX vis_type ON executions_visibility
  (namespace_id, workflow_type, COALESCE(close_time, 9223372036854775807) DESC, start_time DESC, run_id);
CREATE INDEX vis_workflow_id ON executions_visibility
  (namespace_id, workflow_id, COALESCE(close_time, 9223372036854775807) DESC, start_time DESC, run_id);
-- Time range filters and ORDER BY StartTime / CloseTime (run id descending breaks ties).
CREATE INDEX vis_start_time ON executions_visibility (namespace_id, start_time DESC, run_id DESC);
CREATE INDEX vis_close_time ON executions_visibility (namespace_id, close_time DESC, run_id DESC)
  WHERE close_time IS NOT NULL;

-- Custom search attributes registered per namespace (OperatorService AddSearchAttributes).
-- type is Temporal's IndexedValueType name: Keyword, Text, Int, Double, Bool, Datetime, KeywordList.
CREATE TABLE search_attributes (
  namespace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  type         TEXT NOT NULL,
  PRIMARY KEY (namespace_id, name)
);
