package dev.sundial.engine.history.reset;

import com.google.protobuf.Timestamp;
import dev.sundial.engine.history.ActivityInfo;
import dev.sundial.engine.history.ChildInfo;
import dev.sundial.engine.history.Durations;
import dev.sundial.engine.history.ExternalRequest;
import dev.sundial.engine.history.MutableState;
import dev.sundial.engine.history.TimerInfo;
import dev.sundial.engine.history.WorkflowTaskInfo;
import dev.sundial.engine.history.update.UpdateRecord;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.history.v1.HistoryEvent;
import java.util.List;

/**
 * Rebuilds the mutable state of a run from a prefix of history, the way the engine's transitions
 * left it after writing those events: pending activities, timers, children, external requests,
 * the outstanding workflow task, workflow updates, the cancel request, auto-reset points and the
 * search attributes / memo. Attempt-level facts that history does not hold (heartbeats, retries of
 * a pending activity) start afresh. No outbox task is created here: the caller decides which
 * timers and dispatches the rebuilt run needs.
 */
public final class StateRebuilder {
  private StateRebuilder() {}

  /** A run state for {@code runId} holding exactly {@code events} (which start with event 1). */
  public static MutableState rebuild(
      String namespaceId, String workflowId, String runId, List<HistoryEvent> events) {
    if (events.isEmpty()
        || events.get(0).getEventId() != 1
        || !events.get(0).hasWorkflowExecutionStartedEventAttributes()) {
      throw new IllegalArgumentException("history must start with WorkflowExecutionStarted");
    }
    MutableState s = new MutableState();
    s.namespaceId = namespaceId;
    s.workflowId = workflowId;
    s.runId = runId;
    long expected = 1;
    for (HistoryEvent e : events) {
      if (e.getEventId() != expected) {
        throw new IllegalArgumentException(
            "history is not contiguous: event " + e.getEventId() + " where " + expected
                + " was expected");
      }
      apply(s, e);
      s.historySizeBytes += e.getSerializedSize();
      s.nextEventId = ++expected;
    }
    return s;
  }

  /** Applies one event to the state (the state-side of the transition that wrote it). */
  static void apply(MutableState s, HistoryEvent e) {
    long id = e.getEventId();
    long time = millis(e.getEventTime());
    switch (e.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
        var a = e.getWorkflowExecutionStartedEventAttributes();
        s.started = a;
        s.firstExecutionRunId = a.getFirstExecutionRunId().isEmpty() ? s.runId : a.getFirstExecutionRunId();
        s.startTime = time;
        s.executionTime = time + Durations.toMillis(a.getFirstWorkflowTaskBackoff());
        s.reset.originalStartTime = time;
        AutoResetPoints.onStarted(s);
      }
      case EVENT_TYPE_WORKFLOW_TASK_SCHEDULED -> {
        var a = e.getWorkflowTaskScheduledEventAttributes();
        WorkflowTaskInfo wt = s.workflowTask;
        wt.clear();
        wt.scheduledEventId = id;
        wt.attempt = Math.max(1, a.getAttempt());
        wt.sticky = a.getTaskQueue().getKind() == TaskQueueKind.TASK_QUEUE_KIND_STICKY;
        wt.taskQueue = a.getTaskQueue().getName();
        wt.scheduledTime = time;
      }
      case EVENT_TYPE_WORKFLOW_TASK_STARTED -> {
        var a = e.getWorkflowTaskStartedEventAttributes();
        WorkflowTaskInfo wt = s.workflowTask;
        wt.startedEventId = id;
        wt.startedTime = time;
        wt.identity = a.getIdentity();
        wt.requestId = a.getRequestId();
        wt.suggestContinueAsNew = a.getSuggestContinueAsNew();
      }
      case EVENT_TYPE_WORKFLOW_TASK_COMPLETED -> {
        s.lastCompletedStartedEventId = e.getWorkflowTaskCompletedEventAttributes().getStartedEventId();
        s.workflowTask.clear();
        s.workflowTask.attempt = 1;
        AutoResetPoints.onWorkflowTaskCompleted(s, e);
      }
      case EVENT_TYPE_WORKFLOW_TASK_FAILED, EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT -> {
        int attempt = s.workflowTask.attempt;
        s.workflowTask.clear();
        s.workflowTask.attempt = attempt;
      }
      case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
        var a = e.getActivityTaskScheduledEventAttributes();
        ActivityInfo ai = new ActivityInfo();
        ai.scheduledEventId = id;
        ai.scheduled = a;
        ai.firstScheduledTime = time;
        ai.attemptScheduledTime = time;
        long s2c = Durations.toMillis(a.getScheduleToCloseTimeout());
        ai.expirationTime = s2c > 0 ? time + s2c : 0;
        s.activities.put(id, ai);
      }
      case EVENT_TYPE_ACTIVITY_TASK_STARTED -> {
        var a = e.getActivityTaskStartedEventAttributes();
        ActivityInfo ai = s.activities.get(a.getScheduledEventId());
        if (ai != null) {
          ai.startedTime = time;
          ai.startedIdentity = a.getIdentity();
          ai.startedRequestId = a.getRequestId();
          ai.attempt = Math.max(1, a.getAttempt());
          ai.lastFailure = a.hasLastFailure() ? a.getLastFailure() : null;
        }
      }
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
          s.activities.remove(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
      case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
          s.activities.remove(e.getActivityTaskFailedEventAttributes().getScheduledEventId());
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
          s.activities.remove(e.getActivityTaskTimedOutEventAttributes().getScheduledEventId());
      case EVENT_TYPE_ACTIVITY_TASK_CANCELED ->
          s.activities.remove(e.getActivityTaskCanceledEventAttributes().getScheduledEventId());
      case EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED -> {
        ActivityInfo ai =
            s.activities.get(e.getActivityTaskCancelRequestedEventAttributes().getScheduledEventId());
        if (ai != null) {
          ai.cancelRequested = true;
          ai.cancelRequestedEventId = id;
        }
      }
      case EVENT_TYPE_TIMER_STARTED -> {
        var a = e.getTimerStartedEventAttributes();
        TimerInfo t = new TimerInfo();
        t.timerId = a.getTimerId();
        t.startedEventId = id;
        t.fireTime = time + Durations.toMillis(a.getStartToFireTimeout());
        s.timers.put(t.timerId, t);
      }
      case EVENT_TYPE_TIMER_FIRED -> s.timers.remove(e.getTimerFiredEventAttributes().getTimerId());
      case EVENT_TYPE_TIMER_CANCELED -> s.timers.remove(e.getTimerCanceledEventAttributes().getTimerId());
      case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED -> {
        ChildInfo c = new ChildInfo();
        c.initiatedEventId = id;
        c.initiated = e.getStartChildWorkflowExecutionInitiatedEventAttributes();
        s.children.put(id, c);
      }
      case EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED ->
          s.children.remove(e.getStartChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED -> {
        var a = e.getChildWorkflowExecutionStartedEventAttributes();
        ChildInfo c = s.children.get(a.getInitiatedEventId());
        if (c != null) {
          c.startedEventId = id;
          c.runId = a.getWorkflowExecution().getRunId();
        }
      }
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED ->
          s.children.remove(e.getChildWorkflowExecutionCompletedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED ->
          s.children.remove(e.getChildWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED ->
          s.children.remove(e.getChildWorkflowExecutionCanceledEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT ->
          s.children.remove(e.getChildWorkflowExecutionTimedOutEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED ->
          s.children.remove(e.getChildWorkflowExecutionTerminatedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED -> {
        ExternalRequest r = new ExternalRequest();
        r.initiatedEventId = id;
        r.signal = e.getSignalExternalWorkflowExecutionInitiatedEventAttributes();
        s.externalRequests.put(id, r);
      }
      case EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED -> {
        ExternalRequest r = new ExternalRequest();
        r.initiatedEventId = id;
        r.cancel = e.getRequestCancelExternalWorkflowExecutionInitiatedEventAttributes();
        s.externalRequests.put(id, r);
      }
      case EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED ->
          s.externalRequests.remove(e.getExternalWorkflowExecutionSignaledEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED ->
          s.externalRequests.remove(e.getSignalExternalWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED ->
          s.externalRequests.remove(e.getExternalWorkflowExecutionCancelRequestedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED ->
          s.externalRequests.remove(e.getRequestCancelExternalWorkflowExecutionFailedEventAttributes().getInitiatedEventId());
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED -> s.cancelRequested = true;
      case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED ->
          s.updates.put(
              e.getWorkflowExecutionUpdateAcceptedEventAttributes().getProtocolInstanceId(),
              new UpdateRecord(id, 0));
      case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED -> {
        String updateId = e.getWorkflowExecutionUpdateCompletedEventAttributes().getMeta().getUpdateId();
        UpdateRecord r = s.updates.get(updateId);
        if (r != null) {
          r.completedEventId = id;
        } else {
          s.updates.put(updateId, new UpdateRecord(0, id));
        }
      }
      case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ->
          ResetHooks.upsertSearchAttributes(
              s, e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes());
      case EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED ->
          ResetHooks.upsertMemo(s, e.getWorkflowPropertiesModifiedEventAttributes().getUpsertedMemo());
      default -> {
        // markers, signals and other events leave no state behind
      }
    }
  }

  static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}
