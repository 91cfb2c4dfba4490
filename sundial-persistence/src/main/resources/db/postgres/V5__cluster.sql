-- Cluster (PostgreSQL twin of db/sqlite/V5): shard leases, node registry, partition-scoped backlog and shard-scoped timer loads.
-- lease_expires_at (epoch ms) is when the owner's lease runs out; 0 when released or never leased.
ALTER TABLE shards ADD COLUMN lease_expires_at BIGINT NOT NULL DEFAULT 0;

-- Cluster members; heartbeat_at and started_at are epoch ms of the node's own clock.
CREATE TABLE nodes (
  node_id      TEXT PRIMARY KEY,
  address      TEXT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  started_at   BIGINT NOT NULL
);

-- The matching partition a backlog entry belongs to; -1 for rows written before partitions.
ALTER TABLE queue_tasks ADD COLUMN partition_id INTEGER NOT NULL DEFAULT -1;
CREATE INDEX queue_tasks_partition ON queue_tasks (partition_id, task_id);

-- A node loads only the timers of the shards it owns.
CREATE INDEX timer_tasks_shard_fire ON timer_tasks (shard_id, fire_at, task_id);
