package dev.sundial.persistence;

import dev.sundial.persistence.visibility.VisibilityRecord;
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
    VisibilityRecord visibility) {

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
  public ExecutionWrite withVisibility(VisibilityRecord v) {
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
    return builder(shardId, rangeId).deleteTimers(timers).deleteQueueTasks(queueTasks).build();
  }

  /** A write for a shard owned with this range id; with nothing added, a pure fencing check. */
  public static Builder builder(int shardId, long rangeId) {
    return new Builder(shardId, rangeId);
  }

  /**
   * Builds a write by name instead of by position, and refuses contradictions when it is built:
   * a run whose version does not follow the expected one, a current row for another workflow, a
   * current row both expected and required absent.
   */
  public static final class Builder {
    private final int shardId;
    private final long rangeId;
    private ExecutionRecord execution;
    private long expectedDbVersion;
    private CurrentExecution current;
    private String expectedCurrentRunId;
    private boolean currentMustBeAbsent;
    private List<HistoryBatch> history = List.of();
    private List<TimerTask> timersToAdd = List.of();
    private List<Long> timersToDelete = List.of();
    private List<QueueTask> queueTasksToAdd = List.of();
    private List<Long> queueTasksToDelete = List.of();
    private List<ExecutionWrite> linked = List.of();
    private VisibilityRecord visibility;

    private Builder(int shardId, long rangeId) {
      this.shardId = shardId;
      this.rangeId = rangeId;
    }

    /** Creates the run ({@code expectedDbVersion} 0) or replaces the version expected. */
    public Builder execution(ExecutionRecord execution, long expectedDbVersion) {
      this.execution = execution;
      this.expectedDbVersion = expectedDbVersion;
      return this;
    }

    /** Sets the current row, which must now point at {@code expectedRunId} (null: must not exist). */
    public Builder current(CurrentExecution current, String expectedRunId) {
      this.current = current;
      this.expectedCurrentRunId = expectedRunId;
      return this;
    }

    /** No current row may exist for the workflow id. */
    public Builder currentMustBeAbsent() {
      this.currentMustBeAbsent = true;
      return this;
    }

    public Builder history(List<HistoryBatch> batches) {
      this.history = orEmpty(batches);
      return this;
    }

    public Builder addTimers(List<TimerTask> timers) {
      this.timersToAdd = orEmpty(timers);
      return this;
    }

    public Builder deleteTimers(List<Long> taskIds) {
      this.timersToDelete = orEmpty(taskIds);
      return this;
    }

    public Builder addQueueTasks(List<QueueTask> tasks) {
      this.queueTasksToAdd = orEmpty(tasks);
      return this;
    }

    public Builder deleteQueueTasks(List<Long> taskIds) {
      this.queueTasksToDelete = orEmpty(taskIds);
      return this;
    }

    /** Writes applied with this one, all or none. */
    public Builder linked(List<ExecutionWrite> others) {
      this.linked = List.copyOf(others);
      return this;
    }

    /** Replaces the run's visibility row (null: leaves it). */
    public Builder visibility(VisibilityRecord visibility) {
      this.visibility = visibility;
      return this;
    }

    public ExecutionWrite build() {
      if (execution != null && execution.dbVersion() != expectedDbVersion + 1) {
        throw new IllegalArgumentException("run " + execution.runId() + " at version "
            + execution.dbVersion() + " cannot replace version " + expectedDbVersion);
      }
      if (execution != null && current != null && !current.workflowId().equals(execution.workflowId())) {
        throw new IllegalArgumentException("the current row of " + current.workflowId()
            + " does not belong to run " + execution.runId() + " of " + execution.workflowId());
      }
      if (currentMustBeAbsent && expectedCurrentRunId != null) {
        throw new IllegalArgumentException("a current row cannot be both expected and absent");
      }
      return new ExecutionWrite(shardId, rangeId, execution, expectedDbVersion, current,
          expectedCurrentRunId, currentMustBeAbsent, history, timersToAdd, timersToDelete,
          queueTasksToAdd, queueTasksToDelete, linked, visibility);
    }

    private static <T> List<T> orEmpty(List<T> list) {
      return list == null ? List.of() : list;
    }
  }
}
