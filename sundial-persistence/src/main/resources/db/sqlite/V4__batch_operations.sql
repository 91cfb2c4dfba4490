-- Batch operations: one row per job. state is the engine's serialized job (request, targets,
-- counts, progress cursor); running is 1 until the job completes, fails or is stopped, so a
-- restart resumes every running job.
CREATE TABLE batch_operations (
  namespace_id TEXT NOT NULL,
  job_id       TEXT NOT NULL,
  running      INTEGER NOT NULL,
  start_time   INTEGER NOT NULL,
  state        BLOB NOT NULL,
  PRIMARY KEY (namespace_id, job_id)
);

CREATE INDEX batch_operations_running ON batch_operations (running) WHERE running = 1;
CREATE INDEX batch_operations_list ON batch_operations (namespace_id, start_time, job_id);
