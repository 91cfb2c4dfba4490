package dev.sundial.engine.history.workflow;

import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.activity.ActivityRetryPolicy;
import dev.sundial.engine.retention.Retention;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.AutoResetPoints;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.WorkflowTaskEvents;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.visibility.SearchAttributeState;
import dev.sundial.persistence.CurrentExecution;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.api.enums.v1.WorkflowTaskFailedCause;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TimeoutFailureInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionCanceledEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionCompletedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionTerminatedEventAttributes;
import io.temporal.api.history.v1.WorkflowExecutionTimedOutEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskFailedEventAttributes;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing a run: completed, failed (with workflow retry), canceled, timed out, terminated. */
public final class WorkflowClose {
  private static final Logger log = LoggerFactory.getLogger(WorkflowClose.class);
  /** The identity Temporal terminates the current run with when it resets a workflow. */
  public static final String RESETTER = "history-resetter";

  private WorkflowClose() {}

  public static void complete(ShardTxn txn, MutableState s, Payloads result, long wtCompletedId) {
    long cronBackoff = cronBackoff(txn, s);
    String newRunId = cronBackoff >= 0 ? UUID.randomUUID().toString() : "";
    WorkflowExecutionCompletedEventAttributes.Builder a =
        WorkflowExecutionCompletedEventAttributes.newBuilder()
            .setWorkflowTaskCompletedEventId(wtCompletedId)
            .setNewExecutionRunId(newRunId);
    if (result != null) {
      a.setResult(result);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
                .setWorkflowExecutionCompletedEventAttributes(a),
            txn.now(),
            false);
    finish(txn, s, e);
    if (!newRunId.isEmpty()) {
      startNext(txn, s, newRunId, cronBackoff,
          ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE, null, result);
    }
  }

  /** Backoff to the next cron run, or -1 when the workflow has no cron schedule. */
  static long cronBackoff(ShardTxn txn, MutableState s) {
    String cron = s.started.getCronSchedule();
    if (cron.isEmpty()) {
      return -1;
    }
    return CronSchedule.parse(cron).backoffMillis(s.executionTime, txn.now());
  }

  /** Fails the run; when its retry policy allows, the next attempt starts as a new run. */
  public static void fail(ShardTxn txn, MutableState s, Failure failure, long wtCompletedId) {
    RetryState state = RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET;
    long backoff = 0;
    if (s.started.hasRetryPolicy()) {
      ActivityRetryPolicy.Decision d =
          ActivityRetryPolicy.decide(
              ActivityRetryPolicy.withDefaults(s.started.getRetryPolicy()),
              s.started.getAttempt(), failure, txn.now(), s.executionExpirationTime);
      state = d.state();
      backoff = d.backoffMillis();
    }
    long cronBackoff = state == RetryState.RETRY_STATE_IN_PROGRESS ? -1 : cronBackoff(txn, s);
    String newRunId =
        state == RetryState.RETRY_STATE_IN_PROGRESS || cronBackoff >= 0
            ? UUID.randomUUID().toString()
            : "";
    WorkflowExecutionFailedEventAttributes.Builder a =
        WorkflowExecutionFailedEventAttributes.newBuilder()
            .setFailure(failure)
            .setRetryState(state)
            .setWorkflowTaskCompletedEventId(wtCompletedId)
            .setNewExecutionRunId(newRunId);
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
                .setWorkflowExecutionFailedEventAttributes(a),
            txn.now(),
            false);
    finish(txn, s, e);
    if (cronBackoff >= 0) {
      startNext(txn, s, newRunId, cronBackoff,
          ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE, failure, null);
    } else if (!newRunId.isEmpty()) {
      startRetry(txn, s, newRunId, backoff, failure);
    }
  }

  public static void cancel(ShardTxn txn, MutableState s, Payloads details, long wtCompletedId) {
    WorkflowExecutionCanceledEventAttributes.Builder a =
        WorkflowExecutionCanceledEventAttributes.newBuilder()
            .setWorkflowTaskCompletedEventId(wtCompletedId);
    if (details != null) {
      a.setDetails(details);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED)
                .setWorkflowExecutionCanceledEventAttributes(a),
            txn.now(),
            false);
    finish(txn, s, e);
  }

  /**
   * The run or execution timeout elapsed. A run timeout (with the chain's deadline still ahead)
   * is retried like a failure when the workflow has a retry policy.
   */
  public static void timeOut(ShardTxn txn, MutableState s) {
    long now = txn.now();
    long deadline = WorkflowRuns.earliest(s.runExpirationTime, s.executionExpirationTime);
    if (!s.isRunning() || deadline <= 0 || now < deadline) {
      return;
    }
    closePendingWorkflowTask(txn, s);
    RetryState state = RetryState.RETRY_STATE_TIMEOUT;
    long backoff = 0;
    boolean chainExpired = s.executionExpirationTime > 0 && now >= s.executionExpirationTime;
    if (!chainExpired && s.started.hasRetryPolicy()) {
      Failure timeout =
          Failure.newBuilder()
              .setMessage("workflow run timeout")
              .setTimeoutFailureInfo(
                  TimeoutFailureInfo.newBuilder()
                      .setTimeoutType(TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE))
              .build();
      ActivityRetryPolicy.Decision d =
          ActivityRetryPolicy.decide(
              ActivityRetryPolicy.withDefaults(s.started.getRetryPolicy()),
              s.started.getAttempt(), timeout, now, s.executionExpirationTime);
      if (d.retry()) {
        state = d.state();
        backoff = d.backoffMillis();
      }
    }
    long cronBackoff =
        state == RetryState.RETRY_STATE_IN_PROGRESS || chainExpired ? -1 : cronBackoff(txn, s);
    String newRunId =
        state == RetryState.RETRY_STATE_IN_PROGRESS || cronBackoff >= 0
            ? UUID.randomUUID().toString()
            : "";
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT)
                .setWorkflowExecutionTimedOutEventAttributes(
                    WorkflowExecutionTimedOutEventAttributes.newBuilder()
                        .setRetryState(state)
                        .setNewExecutionRunId(newRunId)),
            now,
            false);
    finish(txn, s, e);
    if (cronBackoff >= 0) {
      startNext(txn, s, newRunId, cronBackoff,
          ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE, null, null);
    } else if (!newRunId.isEmpty()) {
      startRetry(txn, s, newRunId, backoff, null);
    }
  }

  /**
   * Closes a run as timed out for a reason of its own (a standalone activity that timed out): no
   * retry, no cron.
   */
  public static void timedOut(ShardTxn txn, MutableState s, RetryState state) {
    closePendingWorkflowTask(txn, s);
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT)
                .setWorkflowExecutionTimedOutEventAttributes(
                    WorkflowExecutionTimedOutEventAttributes.newBuilder().setRetryState(state)),
            txn.now(),
            false);
    finish(txn, s, e);
  }

  /** Starts the next attempt of the chain as a new run that becomes current. */
  private static void startRetry(
      ShardTxn txn, MutableState s, String newRunId, long backoff, Failure failure) {
    startNext(txn, s, newRunId, backoff, ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY,
        failure, null);
  }

  /**
   * Starts the run that continues this chain (retry or cron): same type, input and options, the
   * attempt counting up for retries and starting over for cron.
   */
  static void startNext(
      ShardTxn txn, MutableState s, String newRunId, long backoff, ContinueAsNewInitiator initiator,
      Failure failure, Payloads lastCompletionResult) {
    boolean retry = initiator == ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY;
    WorkflowExecutionStartedEventAttributes.Builder next =
        s.started.toBuilder()
            .clearFirstWorkflowTaskBackoff()
            .clearWorkflowExecutionExpirationTime()
            .clearContinuedFailure()
            .setAttempt(retry ? s.started.getAttempt() + 1 : 1)
            .setContinuedExecutionRunId(s.runId)
            .setInitiator(initiator);
    if (failure != null) {
      next.setContinuedFailure(failure);
    }
    if (lastCompletionResult != null) {
      next.setLastCompletionResult(lastCompletionResult);
    }
    // The next run starts with this run's current search attributes and memo (upserts included).
    SearchAttributeState.inherit(s, next, false, false);
    next.setPrevAutoResetPoints(
        AutoResetPoints.carriedOver(
            s, txn.now(), txn.retentionMillis(s.namespaceId)));
    WorkflowRuns.create(
        txn, s.namespaceId, s.workflowId, newRunId, s.firstExecutionRunId, s.startRequestId,
        next, backoff, retry ? s.executionExpirationTime : -1, currentOf(s));
  }

  /**
   * Temporal's history limits: a running workflow whose history has reached the event count or
   * byte size limit is terminated. True when it was.
   */
  public static boolean terminateIfOverHistoryLimit(
      EngineContext ctx, ShardTxn txn, MutableState s) {
    warnIfCrossingHistoryWarnLimit(ctx, s);
    if (!s.isRunning()
        || (s.nextEventId - 1 < ctx.limits.maxHistoryEvents()
            && s.historySizeBytes < ctx.limits.maxHistoryBytes())) {
      return false;
    }
    terminate(txn, s, "Workflow history size / count exceeds limit.", null, "sundial");
    return true;
  }

  /**
   * As Temporal's history service: one warning when this operation's events take a running
   * workflow's history past the warn limits (where continue-as-new starts being suggested to the
   * SDK, on the next workflow task), whichever path appended them.
   */
  private static void warnIfCrossingHistoryWarnLimit(
      EngineContext ctx, MutableState s) {
    if (!s.isRunning() || s.newEvents.isEmpty()) {
      return;
    }
    long events = s.nextEventId - 1;
    long added = s.newEvents.size();
    boolean overEvents = events >= ctx.limits.warnHistoryEvents();
    boolean overBytes = s.historySizeBytes >= ctx.limits.warnHistoryBytes();
    if (!overEvents && !overBytes) {
      return;
    }
    long addedBytes = 0;
    for (HistoryEvent e : s.newEvents) {
      addedBytes += e.getSerializedSize();
    }
    boolean crossedEvents = overEvents && events - added < ctx.limits.warnHistoryEvents();
    boolean crossedBytes = overBytes && s.historySizeBytes - addedBytes < ctx.limits.warnHistoryBytes();
    if (crossedEvents || crossedBytes) {
      log.warn("history of workflow {} run {} (namespace {}) passed the warn limit: {} events,"
              + " {} bytes (terminated at {} events or {} bytes); continue-as-new is suggested",
          s.workflowId, s.runId, s.namespaceId, events, s.historySizeBytes,
          ctx.limits.maxHistoryEvents(), ctx.limits.maxHistoryBytes());
    }
  }

  public static void terminate(
      ShardTxn txn, MutableState s, String reason, Payloads details, String identity) {
    closePendingWorkflowTask(txn, s);
    WorkflowExecutionTerminatedEventAttributes.Builder a =
        WorkflowExecutionTerminatedEventAttributes.newBuilder()
            .setReason(reason == null ? "" : reason)
            .setIdentity(identity == null ? "" : identity);
    if (details != null) {
      a.setDetails(details);
    }
    HistoryEvent e =
        s.append(
            HistoryEvent.newBuilder()
                .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED)
                .setWorkflowExecutionTerminatedEventAttributes(a),
            txn.now(),
            false);
    finish(txn, s, e);
  }

  /** Buffered events are written before a close forced from outside (timeout, terminate). */
  private static void closePendingWorkflowTask(ShardTxn txn, MutableState s) {
    if (s.workflowTask.transientTask) {
      // A transient retry left no trace in history; dropping it is enough.
      txn.deleteQueueTask(s.workflowTask.queueTaskId);
      txn.deleteTimer(s.workflowTask.timeoutTaskId);
      s.workflowTask.clear();
      s.flushBufferedEvents();
      return;
    }
    if (s.workflowTask.isStarted()) {
      // The started task can no longer complete: record it as failed by the forced close, then
      // the events buffered behind it.
      HistoryEvent failed = s.append(
          HistoryEvent.newBuilder()
              .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
              .setWorkflowTaskFailedEventAttributes(
                  WorkflowTaskFailedEventAttributes.newBuilder()
                      .setScheduledEventId(s.workflowTask.scheduledEventId)
                      .setStartedEventId(s.workflowTask.startedEventId)
                      .setCause(
                          WorkflowTaskFailedCause
                              .WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND)),
          txn.now(),
          false);
      txn.deleteTimer(s.workflowTask.timeoutTaskId);
      WorkflowTaskEvents.applyFailed(s, failed);
    }
    s.flushBufferedEvents();
    txn.deleteQueueTask(s.workflowTask.queueTaskId);
    txn.deleteTimer(s.workflowTask.timeoutTaskId);
    s.workflowTask.clear();
  }

  /**
   * Marks the run closed by applying its close event. Without a successor (the event names no new
   * run) the chain ends: the current pointer says closed and a parent is told. Either way children
   * get their parent close policy.
   */
  static void finish(ShardTxn txn, MutableState s, HistoryEvent closeEvent) {
    WorkflowEvents.applyClosed(s, closeEvent);
    Retention.schedule(txn, s);
    for (ActivityInfo a : s.activities.values()) {
      txn.deleteQueueTask(a.queueTaskId);
    }
    Children.applyParentClosePolicy(txn, s);
    if (s.newRunId.isEmpty()) {
      txn.setCurrent(
          new CurrentExecution(s.namespaceId, s.workflowId, s.runId, false, s.startRequestId),
          currentOf(s));
      // A child run terminated by a reset does not report: the reset run reports instead.
      if (s.started.hasParentWorkflowExecution()
          && !isTerminatedByResetter(closeEvent)) {
        Transfers.add(txn, s, TimerKind.CHILD_CLOSED, s.completionEventId);
      }
    }
  }

  /** Whether a close event is the termination of the current run by a reset. */
  static boolean isTerminatedByResetter(HistoryEvent close) {
    return close.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED
        && RESETTER.equals(close.getWorkflowExecutionTerminatedEventAttributes().getIdentity());
  }

  static CurrentExecution currentOf(MutableState s) {
    return new CurrentExecution(s.namespaceId, s.workflowId, s.runId, true, s.startRequestId);
  }
}
