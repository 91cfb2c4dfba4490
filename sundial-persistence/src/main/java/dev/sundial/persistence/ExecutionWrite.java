package dev.sundial.persistence;

import java.util.List;

/**
 * Everything one engine operation changes, committed atomically (the persistence side of a
 * WriteSet). Conditions make the write fail as a whole with {@link ConflictException} instead of
 * overwriting a concurrent change:
 *
 * <ul>
 *   <li>{@code shardId}/{@code rangeId}: the shard must still be owned with this range id (fencing).
 *   <li>{@code execution} with {@code expectedDbVersion}: 0 means the run must not exist yet; otherwise
 *       the stored run must have exactly that version, and is replaced by {@code execution} (whose
 *       dbVersion is expectedDbVersion + 1).
 *   <li>{@code current} with {@code expectedCurrentRunId}: null means no current row may exist for the
 *       workflow id; otherwise the stored current row must point at that run id. A null
 *       {@code current} leaves the current row alone (there is no unconditional upsert).
 *   <li>{@code currentMustBeAbsent}: no current row may exist; also usable without {@code current}
 *       (the workflow id is then taken from {@code execution}). {@code expectedCurrentRunId} can
 *       likewise be checked without {@code current}.
 * </ul>
 *
 * Any element may be null/empty; a write with only task deletions is valid. {@code linked}
 * writes are applied after this one inside the same savepoint: all of them or none.
 * {@code visibility}, when set, replaces the run's visibility row in the same savepoint (never
 * with an older state: see {@link dev.sundial.persistence.visibility.VisibilityRecord}).
 */
public record ExecutionWrite(
    int shardId,
    long rangeId,
    ExecutionRecord execution,
    long expectedDbVersion,
    CurrentExecution current,
    String expectedCurrentRunId,
    boolean currentMustBeAbsent,
    List<HistoryBatch> history,
    List<TimerTask> timersToAdd,
    List<Long> timersToDelete,
    List<QueueTask> queueTasksToAdd,
    List<Long> queueTasksToDelete,
    List<ExecutionWrite> linked,
    dev.sundial.persistence.visibility.VisibilityRecord visibility) {

  /** A write without linked writes. */
  public ExecutionWrite(
      int shardId,
      long rangeId,
      ExecutionRecord execution,
      long expectedDbVersion,
      CurrentExecution current,
      String expectedCurrentRunId,
      boolean currentMustBeAbsent,
      List<HistoryBatch> history,
      List<TimerTask> timersToAdd,
      List<Long> timersToDelete,
      List<QueueTask> queueTasksToAdd,
      List<Long> queueTasksToDelete) {
    this(shardId, rangeId, execution, expectedDbVersion, current, expectedCurrentRunId,
        currentMustBeAbsent, history, timersToAdd, timersToDelete, queueTasksToAdd,
        queueTasksToDelete, List.of());
  }

  /** A write without a visibility row. */
  public ExecutionWrite(
      int shardId,
      long rangeId,
      ExecutionRecord execution,
      long expectedDbVersion,
      CurrentExecution current,
      String expectedCurrentRunId,
      boolean currentMustBeAbsent,
      List<HistoryBatch> history,
      List<TimerTask> timersToAdd,
      List<Long> timersToDelete,
      List<QueueTask> queueTasksToAdd,
      List<Long> queueTasksToDelete,
      List<ExecutionWrite> linked) {
    this(shardId, rangeId, execution, expectedDbVersion, current, expectedCurrentRunId,
        currentMustBeAbsent, history, timersToAdd, timersToDelete, queueTasksToAdd,
        queueTasksToDelete, linked, null);
  }

  /** The same write, also replacing the run's visibility row. */
  public ExecutionWrite withVisibility(dev.sundial.persistence.visibility.VisibilityRecord v) {
    return new ExecutionWrite(shardId, rangeId, execution, expectedDbVersion, current,
        expectedCurrentRunId, currentMustBeAbsent, history, timersToAdd, timersToDelete,
        queueTasksToAdd, queueTasksToDelete, linked, v);
  }

  /**
   * The same write with {@code others} applied atomically with it: if any of them conflicts,
   * none is applied (e.g. closing a run and creating the run that retries it).
   */
  public ExecutionWrite withLinked(List<ExecutionWrite> others) {
    return new ExecutionWrite(shardId, rangeId, execution, expectedDbVersion, current,
        expectedCurrentRunId, currentMustBeAbsent, history, timersToAdd, timersToDelete,
        queueTasksToAdd, queueTasksToDelete, List.copyOf(others), visibility);
  }

  public ExecutionWrite {
    linked = linked == null ? List.of() : linked;
    history = history == null ? List.of() : history;
    timersToAdd = timersToAdd == null ? List.of() : timersToAdd;
    timersToDelete = timersToDelete == null ? List.of() : timersToDelete;
    queueTasksToAdd = queueTasksToAdd == null ? List.of() : queueTasksToAdd;
    queueTasksToDelete = queueTasksToDelete == null ? List.of() : queueTasksToDelete;
  }

  /** A write that only deletes outbox rows (stale timers or backlog entries). */
  public static ExecutionWrite deletions(
      int shardId, long rangeId, List<Long> timers, List<Long> queueTasks) {
    return new ExecutionWrite(
        shardId, rangeId, null, 0, null, null, false, null, null, timers, null, queueTasks);
  }
}
