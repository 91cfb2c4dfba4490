-- Batch operations (PostgreSQL twin of db/sqlite/V4).
CREATE TABLE batch_operations (
  namespace_id TEXT NOT NULL,
  job_id       TEXT NOT NULL,
  running      INTEGER NOT NULL,
  start_time   BIGINT NOT NULL,
  state        BYTEA NOT NULL,
  PRIMARY KEY (namespace_id, job_id)
);

CREATE INDEX batch_operations_running ON batch_operations (running) WHERE running = 1;
CREATE INDEX batch_operations_list ON batch_operations (namespace_id, start_time, job_id);
