package dev.sundial.engine.history.workflowtask;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.matching.TaskPriority;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.engine.state.UpdateRecord;
import dev.sundial.engine.state.WorkflowTaskEvents;
import dev.sundial.engine.state.WorkflowTaskInfo;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskTimedOutEventAttributes;
import io.temporal.api.workflowservice.v1.RespondWorkflowTaskCompletedRequest;

/**
 * Workflow task transitions: schedule, start, fail, time out. Completion is in
 * history.command.CompleteWorkflowTask.
 */
public final class WorkflowTasks {
  private WorkflowTasks() {}

  /** Schedules a workflow task unless one is already outstanding or the run is closed. */
  public static void scheduleIfNone(ShardTxn txn, MutableState s) {
    if (StandaloneActivityKey.is(s)) {
      return; // the server drives it: it has no workflow tasks
    }
    // During the first-task backoff (start delay, retry, cron) news waits for the backoff timer.
    if (s.isRunning() && !s.workflowTask.isScheduled() && txn.now() >= s.executionTime) {
      schedule(txn, s, s.workflowTask.attempt);
    }
  }

  /** Adds WorkflowTaskScheduled and dispatches it (to the sticky queue when the run has one). */
  public static void schedule(ShardTxn txn, MutableState s, int attempt) {
    schedule(txn, s, attempt, false);
  }

  /**
   * Schedules a speculative task to deliver workflow updates: transient from its first attempt,
   * so it writes no event unless it completes with something to record (see history.update).
   */
  public static void scheduleSpeculative(ShardTxn txn, MutableState s) {
    schedule(txn, s, 1, true);
    s.workflowTask.speculative = true;
  }

  /**
   * Schedules a workflow task. A transient one (the retry of a failing task) gets its event id
   * but writes no event until it completes.
   */
  static void schedule(ShardTxn txn, MutableState s, int attempt, boolean transientTask) {
    long now = txn.now();
    boolean sticky = !s.stickyQueue.isEmpty();
    WorkflowTaskInfo wt = s.workflowTask;
    wt.clear();
    wt.attempt = attempt;
    wt.taskQueue = sticky ? s.stickyQueue : s.taskQueue();
    wt.sticky = sticky;
    wt.scheduledTime = now;
    if (transientTask) {
      wt.transientTask = true;
      wt.scheduledEventId = s.nextEventId;
      s.dirty = true;
    } else {
      WorkflowTaskEvents.applyScheduled(s, s.append(WorkflowTaskEvents.scheduled(s), now, false));
    }
    QueueTask qt =
        new QueueTask(
            txn.newTaskId(), s.namespaceId, wt.taskQueue, QueueTask.KIND_WORKFLOW, s.workflowId,
            s.runId, wt.scheduledEventId, TaskPriority.payload(s.priority()));
    txn.addQueueTask(qt);
    wt.queueTaskId = qt.taskId();
    if (sticky && s.stickyScheduleToStartMillis > 0) {
      wt.timeoutTaskId =
          addTimer(txn, s, now + s.stickyScheduleToStartMillis, wt.scheduledEventId, attempt,
              TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START);
    }
  }

  /** What RecordWorkflowTaskStarted tells the poll handler to build its response from. */
  public record Started(
      long scheduledEventId,
      long startedEventId,
      long previousStartedEventId,
      int attempt,
      boolean sticky,
      long scheduledTime,
      long startedTime,
      boolean transientTask) {}

  /** Records the workflow task named by a matched backlog entry as started by a poller. */
  /** Records the task started; past the warning limits the worker is told to continue-as-new. */
  public static Started recordStarted(
      ShardTxn txn, MutableState s, QueueTask task, String identity, String requestId,
      EngineContext.Limits limits) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (!s.isRunning()
        || wt.scheduledEventId != task.scheduledEventId()
        || wt.queueTaskId != task.taskId()
        || wt.isStarted()) {
      throw new StaleTaskException();
    }
    long now = txn.now();
    txn.deleteQueueTask(wt.queueTaskId);
    txn.deleteTimer(wt.timeoutTaskId);
    wt.queueTaskId = 0;
    wt.startedTime = now;
    wt.identity = identity;
    wt.requestId = requestId;
    wt.suggestContinueAsNew =
        s.nextEventId >= limits.warnHistoryEvents() || s.historySizeBytes >= limits.warnHistoryBytes()
            || s.updates.size() >= UpdateRecord.SUGGEST_CONTINUE_AS_NEW;
    if (wt.transientTask) {
      wt.startedEventId = wt.scheduledEventId + 1;
      s.dirty = true;
    } else {
      WorkflowTaskEvents.applyStarted(s, s.append(WorkflowTaskEvents.started(s), now, false));
    }
    wt.timeoutTaskId =
        addTimer(txn, s, now + s.workflowTaskTimeoutMillis(), wt.scheduledEventId, wt.attempt,
            TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    return new Started(
        wt.scheduledEventId, wt.startedEventId, s.lastCompletedStartedEventId, wt.attempt,
        wt.sticky, wt.scheduledTime, now, wt.transientTask);
  }

  /**
   * The worker behind the run's sticky queue shut down: move the waiting task to the normal queue
   * at once (no timeout event, as Temporal does when the sticky worker is gone).
   */
  public static void moveOffStickyQueue(ShardTxn txn, MutableState s, QueueTask task) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (!s.isRunning() || !wt.sticky || wt.isStarted() || wt.queueTaskId != task.taskId()) {
      return;
    }
    txn.deleteQueueTask(wt.queueTaskId);
    txn.deleteTimer(wt.timeoutTaskId);
    s.stickyQueue = "";
    wt.sticky = false;
    wt.taskQueue = s.taskQueue();
    wt.timeoutTaskId = 0;
    QueueTask qt =
        new QueueTask(
            txn.newTaskId(), s.namespaceId, wt.taskQueue, QueueTask.KIND_WORKFLOW, s.workflowId,
            s.runId, wt.scheduledEventId, task.payload());
    txn.addQueueTask(qt);
    wt.queueTaskId = qt.taskId();
    s.dirty = true;
  }

  /** Checks that a token names the workflow task currently started. */
  /**
   * The sticky queue a completing worker asks for (its own queue, so the next task finds its
   * cache), or none.
   */
  public static void recordStickyQueue(MutableState s, RespondWorkflowTaskCompletedRequest req) {
    if (req.hasStickyAttributes()
        && !req.getStickyAttributes().getWorkerTaskQueue().getName().isEmpty()) {
      s.stickyQueue = req.getStickyAttributes().getWorkerTaskQueue().getName();
      s.stickyScheduleToStartMillis =
          Durations.toMillis(req.getStickyAttributes().getScheduleToStartTimeout());
    } else {
      s.stickyQueue = "";
    }
  }

  public static void checkToken(MutableState s, long scheduledEventId, int attempt) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (!s.isRunning()) {
      throw EngineException.notFound("Workflow task not found: the workflow execution is closed.");
    }
    if (wt.scheduledEventId != scheduledEventId || !wt.isStarted() || wt.attempt != attempt) {
      throw EngineException.notFound("Workflow task not found.");
    }
  }

  /** The worker reported failure: record it and retry the task on the normal queue. */
  public static void fail(
      ShardTxn txn, MutableState s, WorkflowTaskFailedCause cause, Failure failure,
      String identity) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (wt.isSpeculative()) {
      // A failing speculative task is recorded like an ordinary one, then retried transiently.
      s.materializeTransientTask(txn.now());
    }
    if (wt.transientTask) {
      retryAfterFailure(txn, s, !s.bufferedEvents.isEmpty(), null);
      return;
    }
    WorkflowTaskFailedEventAttributes.Builder a =
        WorkflowTaskFailedEventAttributes.newBuilder()
            .setScheduledEventId(wt.scheduledEventId)
            .setStartedEventId(wt.startedEventId)
            .setCause(cause)
            .setIdentity(identity);
    if (failure != null) {
      a.setFailure(failure);
    }
    HistoryEvent failed =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
                .setWorkflowTaskFailedEventAttributes(a),
            txn.now(),
            false);
    // A task that failed only because new events arrived is not a failing workflow: the next
    // task, which carries those events, starts again at attempt 1.
    boolean fresh = !s.bufferedEvents.isEmpty();
    retryAfterFailure(txn, s, fresh, failed);
  }

  /** A timer guarding a workflow task fired. */
  public static void onTimeout(ShardTxn txn, MutableState s, TimerRef ref) {
    WorkflowTaskInfo wt = s.workflowTask;
    if (!s.isRunning() || wt.scheduledEventId != ref.eventId() || wt.attempt != ref.attempt()) {
      return;
    }
    TimeoutType type = TimeoutType.forNumber(ref.subtype());
    if (type == TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE && wt.isStarted() && wt.isSpeculative()) {
      s.materializeTransientTask(txn.now()); // its time-out is recorded like an ordinary task's
    }
    if (type == TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE && wt.isStarted() && wt.transientTask) {
      retryAfterFailure(txn, s, !s.bufferedEvents.isEmpty(), null);
    } else if (type == TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE && wt.isStarted()) {
      HistoryEvent timedOut = s.append(
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
              .setWorkflowTaskTimedOutEventAttributes(
                  WorkflowTaskTimedOutEventAttributes.newBuilder()
                      .setScheduledEventId(wt.scheduledEventId)
                      .setStartedEventId(wt.startedEventId)
                      .setTimeoutType(type)),
          txn.now(),
          false);
      retryAfterFailure(txn, s, !s.bufferedEvents.isEmpty(), timedOut);
    } else if (type == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START && !wt.isStarted()) {
      // The sticky worker did not pick it up in time: move it to the normal queue.
      HistoryEvent timedOut = s.append(
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT)
              .setWorkflowTaskTimedOutEventAttributes(
                  WorkflowTaskTimedOutEventAttributes.newBuilder()
                      .setScheduledEventId(wt.scheduledEventId)
                      .setTimeoutType(type)),
          txn.now(),
          false);
      txn.deleteQueueTask(wt.queueTaskId);
      int attempt = wt.attempt;
      WorkflowTaskEvents.applyFailed(s, timedOut);
      s.stickyQueue = "";
      s.flushBufferedEvents();
      schedule(txn, s, attempt);
    }
  }

  /**
   * Schedules the next attempt on the normal queue. With news for the workflow (buffered events)
   * it is an ordinary task at attempt 1; otherwise a transient retry.
   *
   * @param failedEvent the WorkflowTaskFailed/TimedOut just appended, null for a transient task
   *     (which history does not hold)
   */
  private static void retryAfterFailure(
      ShardTxn txn, MutableState s, boolean fresh, HistoryEvent failedEvent) {
    WorkflowTaskInfo wt = s.workflowTask;
    txn.deleteTimer(wt.timeoutTaskId);
    int attempt = fresh ? 1 : wt.attempt + 1;
    if (failedEvent != null) {
      WorkflowTaskEvents.applyFailed(s, failedEvent);
    } else {
      wt.clear();
    }
    s.stickyQueue = "";
    s.dirty = true;
    s.flushBufferedEvents();
    schedule(txn, s, attempt, !fresh);
  }

  static long addTimer(
      ShardTxn txn, MutableState s, long fireAt, long eventId, int attempt, TimeoutType type) {
    TimerTask t =
        new TimerTask(
            txn.newTaskId(), txn.shardId(), fireAt, s.namespaceId, s.workflowId, s.runId,
            TimerKind.WORKFLOW_TASK_TIMEOUT.code,
            new TimerRef(eventId, attempt, type.getNumber(), "").encode());
    txn.addTimer(t);
    return t.taskId();
  }
}
