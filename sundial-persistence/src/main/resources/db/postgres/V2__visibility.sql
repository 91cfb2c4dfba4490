-- Visibility (PostgreSQL twin of db/sqlite/V2): one row per workflow run, written in the same
-- transaction as the run's state. Times are epoch nanoseconds, durations nanoseconds.
-- search_attributes is a JSONB object of typed values; text_tokens a JSONB object of word arrays.

CREATE TABLE executions_visibility (
  namespace_id           TEXT    NOT NULL,
  run_id                 TEXT    NOT NULL,
  workflow_id            TEXT    NOT NULL,
  workflow_type          TEXT    NOT NULL,
  status                 INTEGER NOT NULL,
  start_time             BIGINT  NOT NULL,
  execution_time         BIGINT  NOT NULL,
  close_time             BIGINT,
  execution_duration     BIGINT,
  history_length         BIGINT  NOT NULL,
  history_size_bytes     BIGINT  NOT NULL,
  state_transition_count BIGINT  NOT NULL,
  task_queue             TEXT    NOT NULL,
  parent_workflow_id     TEXT,
  parent_run_id          TEXT,
  root_workflow_id       TEXT,
  root_run_id            TEXT,
  namespace_division     TEXT,
  search_attributes      JSONB,
  text_tokens            JSONB,
  info                   BYTEA   NOT NULL,
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
CREATE INDEX vis_start_time ON executions_visibility (namespace_id, start_time DESC, run_id DESC);
CREATE INDEX vis_close_time ON executions_visibility (namespace_id, close_time DESC, run_id DESC)
  WHERE close_time IS NOT NULL;
-- Containment (@>) lookups on custom search attributes.
CREATE INDEX vis_search_attributes ON executions_visibility USING GIN (search_attributes jsonb_path_ops);

CREATE TABLE search_attributes (
  namespace_id TEXT NOT NULL,
  name         TEXT NOT NULL,
  type         TEXT NOT NULL,
  PRIMARY KEY (namespace_id, name)
);
