package dev.sundial.engine.shard;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.TimerTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one operation on a shard reads and changes. An operation loads states through it, mutates
 * them with the history builder, and records outbox changes; the shard turns that into one atomic
 * WriteSet, commits it, and only then runs {@link #afterCommit} actions and answers the caller.
 */
public final class ShardTxn {
  final Shard shard;
  final long now;
  final Map<RunKey, MutableState> touched = new LinkedHashMap<>();
  final List<MutableState> created = new ArrayList<>();
  final Map<WorkflowKey, CurrentChange> currentChanges = new LinkedHashMap<>();
  final List<TimerTask> timersToAdd = new ArrayList<>();
  final List<Long> timersToDelete = new ArrayList<>();
  final List<QueueTask> queueTasksToAdd = new ArrayList<>();
  final List<Long> queueTasksToDelete = new ArrayList<>();
  final List<Runnable> afterCommit = new ArrayList<>();
  final List<Runnable> onRollback = new ArrayList<>();

  record CurrentChange(
      CurrentExecution current, String expectedRunId, boolean mustBeAbsent) {}

  ShardTxn(Shard shard, long now) {
    this.shard = shard;
    this.now = now;
  }

  public long now() {
    return now;
  }

  public int shardId() {
    return shard.id;
  }

  /** The namespace's retention for closed runs, in millis, as configured now (0: none). */
  public long retentionMillis(String namespaceId) {
    return shard.retentionMillis(namespaceId);
  }

  public long newTaskId() {
    return shard.taskIds.next();
  }

  /** The run's state, or null when it does not exist. Marks it as written by this operation. */
  public MutableState load(String namespaceId, String workflowId, String runId) {
    RunKey key = new RunKey(namespaceId, workflowId, runId);
    MutableState s = touched.get(key);
    if (s == null) {
      s = shard.loadState(key);
      if (s != null) {
        touched.put(key, s);
      }
    }
    return s;
  }

  /** The run, or the workflow's current run when runId is empty; NOT_FOUND when there is none. */
  public MutableState resolve(String namespaceId, String workflowId, String runId) {
    String id = runId;
    if (id == null || id.isEmpty()) {
      CurrentExecution c = current(namespaceId, workflowId);
      if (c == null) {
        throw new ExecutionNotFoundException(workflowId, runId);
      }
      id = c.runId();
    }
    MutableState s = load(namespaceId, workflowId, id);
    if (s == null) {
      throw new ExecutionNotFoundException(workflowId, runId);
    }
    return s;
  }

  /** As {@link #resolve}, for steps that need the run open: NOT_FOUND once it has closed. */
  public MutableState resolveRunning(String namespaceId, String workflowId, String runId) {
    MutableState s = resolve(namespaceId, workflowId, runId);
    if (!s.isRunning()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    return s;
  }

  /** The current-run pointer (including uncommitted changes on this shard), or null. */
  public CurrentExecution current(String namespaceId, String workflowId) {
    WorkflowKey key = new WorkflowKey(namespaceId, workflowId);
    CurrentChange c = currentChanges.get(key);
    if (c != null) {
      return c.current();
    }
    return shard.loadCurrent(key);
  }

  /** Registers a brand-new run created by this operation. */
  public void create(MutableState state) {
    created.add(state);
    touched.put(new RunKey(state.namespaceId, state.workflowId, state.runId), state);
  }

  /** Sets the current-run pointer, conditioned on what it was (null expected = must be absent). */
  public void setCurrent(CurrentExecution current, CurrentExecution expected) {
    WorkflowKey key = new WorkflowKey(current.namespaceId(), current.workflowId());
    CurrentChange prior = currentChanges.get(key);
    if (prior != null) {
      currentChanges.put(
          key, new CurrentChange(current, prior.expectedRunId(), prior.mustBeAbsent()));
      return;
    }
    currentChanges.put(
        key,
        new CurrentChange(
            current, expected == null ? null : expected.runId(), expected == null));
  }

  public void addTimer(TimerTask t) {
    timersToAdd.add(t);
  }

  public void deleteTimer(long taskId) {
    if (taskId != 0) timersToDelete.add(taskId);
  }

  public void addQueueTask(QueueTask t) {
    queueTasksToAdd.add(t.withPartition(shard.partitionOf(t.namespaceId(), t.taskQueue())));
  }

  /** Takes back a backlog entry added by this operation (it is started right away instead). */
  public QueueTask takeBackQueueTask(long taskId) {
    for (int i = 0; i < queueTasksToAdd.size(); i++) {
      if (queueTasksToAdd.get(i).taskId() == taskId) {
        return queueTasksToAdd.remove(i);
      }
    }
    return null;
  }

  public void deleteQueueTask(long taskId) {
    if (taskId != 0) queueTasksToDelete.add(taskId);
  }

  /** Drops a run from this shard's cache (after it was deleted from the store). */
  public void forget(String namespaceId, String workflowId, String runId) {
    touched.remove(new RunKey(namespaceId, workflowId, runId));
    shard.forget(new RunKey(namespaceId, workflowId, runId), new WorkflowKey(namespaceId, workflowId));
  }

  /** Runs after the operation's writes are committed (at once when it wrote nothing). */
  public void afterCommit(Runnable r) {
    afterCommit.add(r);
  }

  /** Runs when the operation failed or its writes could not be committed. */
  public void onRollback(Runnable r) {
    onRollback.add(r);
  }

  boolean hasWrites() {
    if (!created.isEmpty() || !currentChanges.isEmpty()) return true;
    if (!timersToAdd.isEmpty() || !timersToDelete.isEmpty()) return true;
    if (!queueTasksToAdd.isEmpty() || !queueTasksToDelete.isEmpty()) return true;
    for (MutableState s : touched.values()) {
      if (s.dirty) return true;
    }
    return false;
  }
}
