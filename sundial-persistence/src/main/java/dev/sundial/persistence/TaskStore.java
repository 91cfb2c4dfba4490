package dev.sundial.persistence;

import java.util.List;

/**
 * The outbox: durable timers and the matching backlog (written by {@link ExecutionStore#commit}),
 * loaded back after a restart or a shard move, and the task ids that name them.
 */
public interface TaskStore {

  /** Timers with fireAt < beforeMillis, ordered by fire time then task id, at most limit. */
  List<TimerTask> loadTimers(long beforeMillis, int limit);

  /** All backlog entries, ordered by task id (used to rebuild in-memory queues after restart). */
  List<QueueTask> loadQueueTasks(long afterTaskId, int limit);

  /**
   * The largest task id ever reserved ({@link #reserveTaskIds}) or committed to any outbox table.
   * It never decreases, even when those tasks have been deleted (ids are never reused).
   */
  long maxTaskId();

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
}
