-- Schedules: one row per schedule. state is the engine's serialized schedule (spec, action,
-- policies, info, buffer); version is its optimistic-concurrency counter. next_wakeup (epoch ms)
-- is the durable timer of the schedule's next due processing, NULL when nothing is due; the
-- engine re-arms every stored wake-up at start.
CREATE TABLE schedules (
  namespace_id TEXT NOT NULL,
  schedule_id  TEXT NOT NULL,
  shard_id     INTEGER NOT NULL,
  version      INTEGER NOT NULL,
  next_wakeup  INTEGER,
  state        BLOB NOT NULL,
  PRIMARY KEY (namespace_id, schedule_id)
);

CREATE INDEX schedules_wakeup ON schedules (next_wakeup) WHERE next_wakeup IS NOT NULL;
