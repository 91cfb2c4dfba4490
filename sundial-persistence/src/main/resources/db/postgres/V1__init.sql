-- Initial schema (PostgreSQL twin of db/sqlite/V1). Blobs are opaque serialized engine objects.
-- Flags stay INTEGER 0/1 as on SQLite, so the shared SQL binds and compares the same values.

CREATE TABLE namespaces (
  id      TEXT PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,
  version BIGINT NOT NULL,
  info    BYTEA
);

-- range_id fences writes: a write carrying an older range id is rejected.
CREATE TABLE shards (
  shard_id   INTEGER PRIMARY KEY,
  range_id   BIGINT NOT NULL,
  owner      TEXT,
  updated_at BIGINT NOT NULL
);

CREATE TABLE executions (
  namespace_id  TEXT NOT NULL,
  workflow_id   TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  shard_id      INTEGER NOT NULL,
  db_version    BIGINT NOT NULL,
  running       INTEGER NOT NULL,
  next_event_id BIGINT NOT NULL,
  state         BYTEA,
  PRIMARY KEY (namespace_id, workflow_id, run_id)
);

-- Recovery scans only ever look at running executions of one shard.
CREATE INDEX executions_running ON executions (shard_id, run_id) WHERE running = 1;

CREATE TABLE current_executions (
  namespace_id     TEXT NOT NULL,
  workflow_id      TEXT NOT NULL,
  run_id           TEXT NOT NULL,
  running          INTEGER NOT NULL,
  start_request_id TEXT,
  PRIMARY KEY (namespace_id, workflow_id)
);

CREATE TABLE history (
  namespace_id   TEXT NOT NULL,
  run_id         TEXT NOT NULL,
  first_event_id BIGINT NOT NULL,
  last_event_id  BIGINT NOT NULL,
  events         BYTEA NOT NULL,
  PRIMARY KEY (namespace_id, run_id, first_event_id)
);

CREATE TABLE timer_tasks (
  task_id      BIGINT PRIMARY KEY,
  shard_id     INTEGER NOT NULL,
  fire_at      BIGINT NOT NULL,
  namespace_id TEXT NOT NULL,
  workflow_id  TEXT NOT NULL,
  run_id       TEXT NOT NULL,
  kind         INTEGER NOT NULL,
  payload      BYTEA
);

CREATE INDEX timer_tasks_fire ON timer_tasks (fire_at, task_id);

CREATE TABLE queue_tasks (
  task_id            BIGINT PRIMARY KEY,
  namespace_id       TEXT NOT NULL,
  task_queue         TEXT NOT NULL,
  kind               INTEGER NOT NULL,
  workflow_id        TEXT NOT NULL,
  run_id             TEXT NOT NULL,
  scheduled_event_id BIGINT NOT NULL,
  payload            BYTEA
);

-- max_task_id is a high-water mark: task ids are never reused, even after all tasks are deleted.
CREATE TABLE store_counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);

INSERT INTO store_counters (name, value) VALUES ('max_task_id', 0);
