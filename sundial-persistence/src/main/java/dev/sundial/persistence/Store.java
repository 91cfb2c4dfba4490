package dev.sundial.persistence;

import java.util.List;
import java.util.Optional;

/**
 * The persistence SPI. Implementations are thread-safe. Reads may run concurrently with a commit
 * and see only committed data. {@link #commit} is the group-commit entry point: all writes of the
 * batch are committed in one database transaction (fsync'd before returning), each write either
 * fully applied or, if one of its conditions fails, fully skipped and reported.
 */
public interface Store extends AutoCloseable {

  /**
   * Commits a batch of writes in one transaction. Returns one entry per write, in order: null when
   * applied, or the {@link ConflictException} that made the store skip it. Throws
   * {@link StoreException} if the transaction itself failed (then nothing was committed), and
   * IllegalArgumentException, before touching the database, if a write is malformed (see
   * {@link WriteValidator}). A unique-key violation inside a write (e.g. a task id or history
   * batch that already exists) is reported as that write's conflict.
   */
  List<ConflictException> commit(List<ExecutionWrite> writes);

  // ---- executions
  Optional<ExecutionRecord> getExecution(String namespaceId, String workflowId, String runId);

  Optional<CurrentExecution> getCurrentExecution(String namespaceId, String workflowId);

  /**
   * Runs of the shard that are still running, for recovery scans, ordered by runId: pass the last
   * runId of the previous page (null for the first page). Run ids are assumed globally unique.
   */
  List<ExecutionRecord> listRunningExecutions(int shardId, int limit, String afterRunId);

  /**
   * Deletes one run everywhere: its state, history, outbox rows, visibility row, and the
   * current-run pointer when it points at this run. Idempotent.
   */
  void deleteExecution(String namespaceId, String workflowId, String runId);

  // ---- history
  /**
   * Batches of the run whose events overlap [fromEventId, ...), in event order, until at least
   * {@code maxEvents} events are covered (a batch is never split) or history ends. Events are
   * counted from {@code fromEventId}; the first batch is the one containing it. maxEvents below 1
   * counts as 1, so paging by (last batch's lastEventId + 1) always makes progress.
   */
  List<HistoryBatch> readHistory(
      String namespaceId, String runId, long fromEventId, int maxEvents);

  // ---- outbox
  /** Timers with fireAt < beforeMillis, ordered by fire time then task id, at most limit. */
  List<TimerTask> loadTimers(long beforeMillis, int limit);

  /** All backlog entries, ordered by task id (used to rebuild in-memory queues after restart). */
  List<QueueTask> loadQueueTasks(long afterTaskId, int limit);

  /**
   * The largest task id ever reserved ({@link #reserveTaskIds}) or committed to any outbox table.
   * It never decreases, even when those tasks have been deleted (ids are never reused).
   */
  long maxTaskId();

  // ---- namespaces
  List<NamespaceRecord> listNamespaces();

  /** Inserts a namespace; throws ConflictException if the name or id is taken. */
  void createNamespace(NamespaceRecord namespace);

  /** Replaces a namespace if its stored version equals expectedVersion; else ConflictException. */
  void updateNamespace(NamespaceRecord namespace, long expectedVersion);

  // ---- shards
  /**
   * Takes ownership of a shard: increments and returns its range id (creating it at 1). Writes
   * carrying an older range id fail from then on.
   */
  long acquireShard(int shardId, String owner);

  // ---- cluster: members, shard leases, task ids (see docs/cluster.md)
  /** Registers the node or refreshes its heartbeat and address (upsert; started time kept). */
  void heartbeatNode(String nodeId, String address, long nowMillis);

  /**
   * The secret the nodes of this database present on node-to-node calls: random, created by the
   * first caller and the same for every caller afterwards, on any node.
   */
  String clusterSecret();

  /** Removes a node's registration (graceful shutdown). Idempotent. */
  void removeNode(String nodeId);

  /** Every registered node, ordered by node id. */
  List<NodeRecord> listNodes();

  /** Every shard row, ordered by shard id (shards never acquired have no row). */
  List<ShardLease> listShardLeases();

  /**
   * Takes a shard for {@code nodeId} when it is free: no row yet, released (owner null), already
   * owned by {@code nodeId}, or its lease ran out ({@code leaseExpiresMillis < nowMillis}). Takes it
   * by incrementing the range id (creating the row at 1), so writes carrying an older range id fail
   * from then on, and sets the lease to {@code nowMillis + leaseMillis}. Returns the new lease, or
   * empty when another node holds a lease that has not run out. Atomic against concurrent callers.
   */
  Optional<ShardLease> tryAcquireShard(int shardId, String nodeId, long nowMillis, long leaseMillis);

  /**
   * Extends to {@code leaseExpiresMillis} the leases that {@code nodeId} still holds with the given
   * range ids (shard id to range id), in one transaction. Returns the shard ids extended; any other
   * shard of the map was lost (its range id or owner changed).
   */
  java.util.Set<Integer> renewShardLeases(
      String nodeId, java.util.Map<Integer, Long> rangeIds, long leaseExpiresMillis);

  /**
   * Gives a shard up if {@code nodeId} still holds it with {@code rangeId}: owner null and lease
   * expired, so the next node can take it at once. Returns whether it was released.
   */
  boolean releaseShard(int shardId, String nodeId, long rangeId);

  /**
   * Reserves {@code count} task ids for the caller: returns the first of [first, first + count).
   * No other caller, on any node, ever gets an id of that range; ids stay above every id
   * committed so far.
   */
  long reserveTaskIds(int count);

  /** Timers of one shard with fireAt < beforeMillis, by fire time then task id, at most limit. */
  List<TimerTask> loadShardTimers(int shardId, long beforeMillis, int limit);

  /**
   * Backlog entries of one matching partition with task id > afterTaskId, by task id, at most
   * limit. Rows written without a partition (-1) are returned for every partition.
   */
  List<QueueTask> loadPartitionQueueTasks(int partitionId, long afterTaskId, int limit);

  /**
   * Why the last write failed (e.g. the disk is full), or null when the last write succeeded.
   * Readiness reports it; it clears on the next successful write.
   */
  default String writeProblem() {
    return null;
  }

  /**
   * A harmless write, made while {@link #writeProblem()} is set so that readiness comes back when
   * the cause is gone even if no client writes meanwhile (clients that follow readiness would not).
   * Updates {@link #writeProblem()} like any write; throws like any write when it fails.
   */
  default void probeWrite() {}

  // ---- visibility
  /**
   * Visibility queries and the search attribute registry. Visibility rows themselves are written
   * by {@link #commit} (see {@link ExecutionWrite#visibility()}) and deleted by
   * {@link #deleteExecution}.
   */
  default dev.sundial.persistence.visibility.VisibilityStore visibility() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no visibility");
  }

  // ---- schedules
  /** The schedules table (see ScheduleStore); a store without one throws UnsupportedOperationException. */
  default dev.sundial.persistence.schedule.ScheduleStore schedules() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no schedules");
  }

  // ---- batch operations
  /** The batch jobs table (see BatchStore); a store without one throws UnsupportedOperationException. */
  default dev.sundial.persistence.batch.BatchStore batches() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no batches");
  }

  @Override
  void close();
}
