package dev.sundial.engine.history.activity;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.matching.TaskPriority;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.Priorities;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.QueueTask;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TimeoutFailureInfo;
import io.temporal.api.history.v1.ActivityTaskCancelRequestedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskCanceledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskCompletedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskFailedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskTimedOutEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;

/** Activity transitions: schedule, dispatch, start, heartbeat, complete, fail, cancel, time out. */
public final class Activities {
  private Activities() {}

  /** Adds ActivityTaskScheduled (attributes already normalized) and dispatches attempt 1. */
  public static ActivityInfo schedule(
      ShardTxn txn, MutableState s, ActivityTaskScheduledEventAttributes attrs) {
    return schedule(txn, s, attrs, 0);
  }

  /**
   * Schedules the activity with its first dispatch {@code startDelayMillis} later (a standalone
   * activity's start delay, which pushes its ScheduleToClose deadline back by as much, as in
   * Temporal); the delay waits on the retry timer.
   */
  public static ActivityInfo schedule(
      ShardTxn txn, MutableState s, ActivityTaskScheduledEventAttributes attrs,
      long startDelayMillis) {
    long now = txn.now();
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
                .setActivityTaskScheduledEventAttributes(attrs),
            now,
            false);
    ActivityInfo a = ActivityEvents.applyScheduled(s, e);
    if (a.expirationTime > 0) {
      a.expirationTime += startDelayMillis;
      addTimer(txn, s, a, a.expirationTime, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, TimerKind.ACTIVITY_TIMEOUT);
    }
    if (startDelayMillis > 0) {
      a.retryAt = now + startDelayMillis;
      addTimer(txn, s, a, a.retryAt, TimeoutType.TIMEOUT_TYPE_UNSPECIFIED, TimerKind.ACTIVITY_RETRY);
      s.dirty = true;
    } else {
      dispatch(txn, s, a);
    }
    return a;
  }

  /** Puts the current attempt on its task queue, guarded by its schedule-to-start timeout. */
  public static void dispatch(ShardTxn txn, MutableState s, ActivityInfo a) {
    long now = txn.now();
    a.attemptScheduledTime = now;
    a.retryAt = 0;
    QueueTask qt =
        new QueueTask(
            txn.newTaskId(), s.namespaceId, a.scheduled.getTaskQueue().getName(),
            QueueTask.KIND_ACTIVITY, s.workflowId, s.runId, a.scheduledEventId,
            TaskPriority.payload(Priorities.merge(s.priority(), a.scheduled.getPriority())));
    txn.addQueueTask(qt);
    a.queueTaskId = qt.taskId();
    long s2s = Durations.toMillis(a.scheduled.getScheduleToStartTimeout());
    if (s2s > 0) {
      addTimer(txn, s, a, now + s2s, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START, TimerKind.ACTIVITY_TIMEOUT);
    }
    s.dirty = true;
  }

  /** Records the attempt named by a matched backlog entry as started. */
  public static ActivityInfo recordStarted(
      ShardTxn txn, MutableState s, QueueTask task, String identity, String requestId) {
    ActivityInfo a = s.isRunning() ? s.activities.get(task.scheduledEventId()) : null;
    if (a == null || a.isStarted() || a.queueTaskId != task.taskId()) {
      throw new StaleTaskException();
    }
    long now = txn.now();
    txn.deleteQueueTask(a.queueTaskId);
    a.queueTaskId = 0;
    a.startedTime = now;
    a.startedIdentity = identity;
    a.startedRequestId = requestId;
    a.lastHeartbeatTime = 0;
    long stc = Durations.toMillis(a.scheduled.getStartToCloseTimeout());
    if (stc > 0) {
      addTimer(txn, s, a, now + stc, TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE, TimerKind.ACTIVITY_TIMEOUT);
    }
    long hb = Durations.toMillis(a.scheduled.getHeartbeatTimeout());
    if (hb > 0) {
      addTimer(txn, s, a, now + hb, TimeoutType.TIMEOUT_TYPE_HEARTBEAT, TimerKind.ACTIVITY_TIMEOUT);
    }
    s.dirty = true;
    return a;
  }

  /**
   * The pending activity an id names, for completing, failing or canceling it by id, which
   * Temporal allows before a worker started it; its task then leaves the queue. NOT_FOUND when it
   * is gone.
   */
  public static ActivityInfo findForCompletionById(ShardTxn txn, MutableState s, String activityId) {
    if (!s.isRunning()) {
      throw EngineException.notFound("Activity task not found: the workflow execution is closed.");
    }
    ActivityInfo a = s.activityById(activityId);
    if (a == null) {
      throw EngineException.notFound("Activity task not found.");
    }
    if (!a.isStarted()) {
      txn.deleteQueueTask(a.queueTaskId);
      a.queueTaskId = 0;
    }
    return a;
  }

  /** Finds the started attempt a token or an activity id names; NOT_FOUND when it is gone. */
  public static ActivityInfo findStarted(MutableState s, long scheduledEventId, String activityId, int attempt) {
    if (!s.isRunning()) {
      throw EngineException.notFound("Activity task not found: the workflow execution is closed.");
    }
    ActivityInfo a =
        scheduledEventId > 0 ? s.activities.get(scheduledEventId) : s.activityById(activityId);
    if (a == null || !a.isStarted() || (attempt > 0 && a.attempt != attempt)) {
      throw EngineException.notFound("Activity task not found.");
    }
    return a;
  }

  public static boolean heartbeat(ShardTxn txn, MutableState s, ActivityInfo a, Payloads details) {
    a.lastHeartbeatTime = txn.now();
    if (details != null) {
      a.heartbeatDetails = details;
    }
    s.dirty = true;
    return a.cancelRequested;
  }

  public static void complete(ShardTxn txn, MutableState s, ActivityInfo a, Payloads result, String identity) {
    HistoryEvent started = appendStarted(txn, s, a);
    ActivityTaskCompletedEventAttributes.Builder c =
        ActivityTaskCompletedEventAttributes.newBuilder()
            .setScheduledEventId(a.scheduledEventId)
            .setStartedEventId(started.getEventId())
            .setIdentity(identity);
    if (result != null) {
      c.setResult(result);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED)
                .setActivityTaskCompletedEventAttributes(c),
            txn.now(),
            true);
    close(txn, s, a, e);
  }

  /** The worker reported failure: retry per policy, or record ActivityTaskFailed. */
  public static void fail(
      ShardTxn txn, MutableState s, ActivityInfo a, Failure failure, Payloads lastHeartbeat,
      String identity) {
    if (lastHeartbeat != null) {
      a.heartbeatDetails = lastHeartbeat;
    }
    ActivityRetryPolicy.Decision d = decide(txn, a, failure);
    if (d.retry()) {
      retry(txn, s, a, failure, identity, d.backoffMillis());
      return;
    }
    HistoryEvent started = appendStarted(txn, s, a);
    HistoryEvent e = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED)
            .setActivityTaskFailedEventAttributes(
                ActivityTaskFailedEventAttributes.newBuilder()
                    .setFailure(failure)
                    .setScheduledEventId(a.scheduledEventId)
                    .setStartedEventId(started.getEventId())
                    .setIdentity(identity)
                    .setRetryState(d.state())),
        txn.now(),
        true);
    close(txn, s, a, e);
  }

  public static void canceled(ShardTxn txn, MutableState s, ActivityInfo a, Payloads details, String identity) {
    if (!a.cancelRequested) {
      throw EngineException.invalidArgument(
          "unable to mark activity as canceled without activity being request canceled first");
    }
    HistoryEvent started = appendStarted(txn, s, a);
    ActivityTaskCanceledEventAttributes.Builder c =
        ActivityTaskCanceledEventAttributes.newBuilder()
            .setScheduledEventId(a.scheduledEventId)
            .setStartedEventId(started.getEventId())
            .setLatestCancelRequestedEventId(a.cancelRequestedEventId)
            .setIdentity(identity);
    if (details != null) {
      c.setDetails(details);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
                .setActivityTaskCanceledEventAttributes(c),
            txn.now(),
            true);
    close(txn, s, a, e);
  }

  /** A timer guarding an activity fired. */
  public static void onTimer(ShardTxn txn, MutableState s, TimerKind kind, TimerRef ref) {
    ActivityInfo a = s.isRunning() ? s.activities.get(ref.eventId()) : null;
    if (a == null) {
      return;
    }
    long now = txn.now();
    if (kind == TimerKind.ACTIVITY_RETRY) {
      if (a.attempt == ref.attempt() && !a.isStarted() && a.retryAt != 0) {
        dispatch(txn, s, a);
      }
      return;
    }
    TimeoutType type = TimeoutType.forNumber(ref.subtype());
    switch (type) {
      case TIMEOUT_TYPE_SCHEDULE_TO_CLOSE -> {
        if (a.expirationTime > 0 && now >= a.expirationTime) {
          timeOut(txn, s, a, type, RetryState.RETRY_STATE_TIMEOUT);
        }
      }
      case TIMEOUT_TYPE_SCHEDULE_TO_START -> {
        if (a.attempt == ref.attempt() && !a.isStarted() && a.retryAt == 0) {
          timeOut(txn, s, a, type, RetryState.RETRY_STATE_TIMEOUT);
        }
      }
      case TIMEOUT_TYPE_START_TO_CLOSE -> {
        if (a.attempt == ref.attempt() && a.isStarted()) {
          timeOutRetryable(txn, s, a, type);
        }
      }
      case TIMEOUT_TYPE_HEARTBEAT -> {
        if (a.attempt == ref.attempt() && a.isStarted()) {
          long hb = Durations.toMillis(a.scheduled.getHeartbeatTimeout());
          long deadline = Math.max(a.startedTime, a.lastHeartbeatTime) + hb;
          if (now < deadline) {
            addTimer(txn, s, a, deadline, type, TimerKind.ACTIVITY_TIMEOUT);
            s.dirty = true;
          } else {
            timeOutRetryable(txn, s, a, type);
          }
        }
      }
      default -> {}
    }
  }

  private static void timeOutRetryable(ShardTxn txn, MutableState s, ActivityInfo a, TimeoutType type) {
    // The attempt's own failure: what the next attempt sees as its last failure (no heartbeat
    // details of its own, as in Temporal; those go on the final failure only).
    Failure failure = timeoutFailure(type, timeoutMessage(type));
    ActivityRetryPolicy.Decision d = decide(txn, a, failure);
    if (d.retry()) {
      retry(txn, s, a, failure, a.startedIdentity, d.backoffMillis());
    } else {
      timeOut(txn, s, a, type, d.state());
    }
  }

  /**
   * Closes the activity as timed out, with Temporal's failure: out of time for another attempt
   * (any deadline but schedule-to-start) is reported as schedule-to-close; the cause is the
   * previous attempt's failure, never this attempt's own timeout; the last heartbeat details are
   * on the outer failure.
   */
  private static void timeOut(ShardTxn txn, MutableState s, ActivityInfo a, TimeoutType type, RetryState state) {
    long startedId = 0;
    if (a.isStarted()) {
      startedId = appendStarted(txn, s, a).getEventId();
    }
    Failure.Builder failure =
        state == RetryState.RETRY_STATE_TIMEOUT && type != TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START
            ? timeoutFailure(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, NO_TIME_FOR_RETRY).toBuilder()
            : timeoutFailure(type, timeoutMessage(type)).toBuilder();
    if (a.heartbeatDetails != null) {
      failure.getTimeoutFailureInfoBuilder().setLastHeartbeatDetails(a.heartbeatDetails);
    }
    if (a.lastFailure != null) {
      failure.setCause(a.lastFailure);
    }
    HistoryEvent e = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT)
            .setActivityTaskTimedOutEventAttributes(
                ActivityTaskTimedOutEventAttributes.newBuilder()
                    .setFailure(failure)
                    .setScheduledEventId(a.scheduledEventId)
                    .setStartedEventId(startedId)
                    .setRetryState(state)),
        txn.now(),
        true);
    close(txn, s, a, e);
  }

  /** Temporal's message when a deadline leaves no time for another attempt. */
  static final String NO_TIME_FOR_RETRY =
      "Not enough time to schedule next retry before activity ScheduleToClose timeout, giving up retrying";

  /** An activity the workflow asked to cancel is not retried. */
  private static ActivityRetryPolicy.Decision decide(ShardTxn txn, ActivityInfo a, Failure failure) {
    if (a.cancelRequested) {
      return new ActivityRetryPolicy.Decision(RetryState.RETRY_STATE_CANCEL_REQUESTED, 0);
    }
    return ActivityRetryPolicy.decide(
        a.scheduled.getRetryPolicy(), a.attempt, failure, txn.now(), a.expirationTime);
  }

  static Failure timeoutFailure(TimeoutType type, String message) {
    return Failure.newBuilder()
        .setMessage(message)
        .setSource("Server")
        .setTimeoutFailureInfo(TimeoutFailureInfo.newBuilder().setTimeoutType(type))
        .build();
  }

  /** Temporal's message for an attempt's timeout: "activity StartToClose timeout". */
  private static String timeoutMessage(TimeoutType type) {
    return "activity " + timeoutName(type) + " timeout";
  }

  private static String timeoutName(TimeoutType type) {
    return switch (type) {
      case TIMEOUT_TYPE_START_TO_CLOSE -> "StartToClose";
      case TIMEOUT_TYPE_SCHEDULE_TO_START -> "ScheduleToStart";
      case TIMEOUT_TYPE_SCHEDULE_TO_CLOSE -> "ScheduleToClose";
      case TIMEOUT_TYPE_HEARTBEAT -> "Heartbeat";
      default -> "Unspecified";
    };
  }

  private static void retry(
      ShardTxn txn, MutableState s, ActivityInfo a, Failure failure, String identity, long backoff) {
    a.lastFailure = failure;
    a.lastWorkerIdentity = identity;
    a.attempt++;
    a.startedTime = 0;
    a.startedIdentity = "";
    a.startedRequestId = "";
    a.retryAt = txn.now() + backoff;
    addTimer(txn, s, a, a.retryAt, TimeoutType.TIMEOUT_TYPE_UNSPECIFIED, TimerKind.ACTIVITY_RETRY);
    s.dirty = true;
  }

  /**
   * ActivityTaskStarted is written only when the activity closes (as Temporal does for activities
   * with retries), carrying the final attempt and the last failure.
   */
  private static HistoryEvent appendStarted(ShardTxn txn, MutableState s, ActivityInfo a) {
    ActivityTaskStartedEventAttributes.Builder b =
        ActivityTaskStartedEventAttributes.newBuilder()
            .setScheduledEventId(a.scheduledEventId)
            .setIdentity(a.startedIdentity)
            .setRequestId(a.startedRequestId)
            .setAttempt(a.attempt);
    if (a.lastFailure != null) {
      b.setLastFailure(a.lastFailure);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
                .setActivityTaskStartedEventAttributes(b),
            a.startedTime == 0 ? txn.now() : a.startedTime,
            true);
    ActivityEvents.applyStarted(s, e);
    return e;
  }

  /** The activity is done ({@code closeEvent} just appended): forget it and let the workflow react. */
  private static void close(ShardTxn txn, MutableState s, ActivityInfo a, HistoryEvent closeEvent) {
    txn.deleteQueueTask(a.queueTaskId);
    ActivityEvents.applyClosed(s, closeEvent);
    WorkflowTasks.scheduleIfNone(txn, s);
  }

  private static void addTimer(
      ShardTxn txn, MutableState s, ActivityInfo a, long fireAt, TimeoutType type, TimerKind kind) {
    txn.addTimer(
        new TimerTask(
            txn.newTaskId(), txn.shardId(), fireAt, s.namespaceId, s.workflowId, s.runId, kind.code,
            new TimerRef(a.scheduledEventId, a.attempt, type.getNumber(), "").encode()));
  }

  /**
   * Cancelling an activity that has not started cancels it at once; a started one is told on its
   * next heartbeat and reports back.
   */
  public static boolean requestCancel(
      ShardTxn txn, MutableState s, long scheduledEventId, long completedId) {
    ActivityInfo a = s.activities.get(scheduledEventId);
    HistoryEvent requested =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED)
                .setActivityTaskCancelRequestedEventAttributes(
                    ActivityTaskCancelRequestedEventAttributes.newBuilder()
                        .setScheduledEventId(scheduledEventId)
                        .setWorkflowTaskCompletedEventId(completedId)),
            txn.now(),
            false);
    ActivityEvents.applyCancelRequested(s, requested);
    if (a.isStarted()) {
      return false;
    }
    HistoryEvent canceled = s.append(
        HistoryEvent.newBuilder()
            .setEventType(EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED)
            .setActivityTaskCanceledEventAttributes(
                ActivityTaskCanceledEventAttributes.newBuilder()
                    .setScheduledEventId(scheduledEventId)
                    .setLatestCancelRequestedEventId(requested.getEventId())),
        txn.now(),
        false);
    txn.deleteQueueTask(a.queueTaskId);
    ActivityEvents.applyClosed(s, canceled);
    return true;
  }
}
