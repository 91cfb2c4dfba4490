-- Schedules (PostgreSQL twin of db/sqlite/V3).
CREATE TABLE schedules (
  namespace_id TEXT NOT NULL,
  schedule_id  TEXT NOT NULL,
  shard_id     INTEGER NOT NULL,
  version      BIGINT NOT NULL,
  next_wakeup  BIGINT,
  state        BYTEA NOT NULL,
  PRIMARY KEY (namespace_id, schedule_id)
);

CREATE INDEX schedules_wakeup ON schedules (next_wakeup) WHERE next_wakeup IS NOT NULL;
