package dev.sundial.engine.state;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskScheduledEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;

/**
 * The events of the run's workflow task: building Scheduled/Started from the current task, and how
 * each workflow task event changes the state (live, right after it is appended, and on rebuild).
 * The queue row and timeout timer of a task are outbox facts the caller keeps, not history.
 */
public final class WorkflowTaskEvents {
  private WorkflowTaskEvents() {}

  public static HistoryEvent.Builder scheduled(MutableState s) {
    WorkflowTaskInfo wt = s.workflowTask;
    return HistoryEvent.newBuilder()
        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
        .setWorkflowTaskScheduledEventAttributes(
            WorkflowTaskScheduledEventAttributes.newBuilder()
                .setTaskQueue(
                    TaskQueue.newBuilder()
                        .setName(wt.taskQueue)
                        .setKind(
                            wt.sticky
                                ? TaskQueueKind.TASK_QUEUE_KIND_STICKY
                                : TaskQueueKind.TASK_QUEUE_KIND_NORMAL)
                        .setNormalName(wt.sticky ? s.taskQueue() : ""))
                .setStartToCloseTimeout(Durations.ofMillis(s.workflowTaskTimeoutMillis()))
                .setAttempt(wt.attempt));
  }

  public static HistoryEvent.Builder started(MutableState s) {
    WorkflowTaskInfo wt = s.workflowTask;
    return HistoryEvent.newBuilder()
        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
        .setWorkflowTaskStartedEventAttributes(
            WorkflowTaskStartedEventAttributes.newBuilder()
                .setScheduledEventId(wt.scheduledEventId)
                .setIdentity(wt.identity)
                .setRequestId(wt.requestId)
                .setHistorySizeBytes(s.historySizeBytes)
                .setSuggestContinueAsNew(wt.suggestContinueAsNew));
  }

  /** WorkflowTaskScheduled: the run's one outstanding task. */
  public static void applyScheduled(MutableState s, HistoryEvent e) {
    var a = e.getWorkflowTaskScheduledEventAttributes();
    WorkflowTaskInfo wt = s.workflowTask;
    wt.clear();
    wt.scheduledEventId = e.getEventId();
    wt.attempt = Math.max(1, a.getAttempt());
    wt.sticky = a.getTaskQueue().getKind() == TaskQueueKind.TASK_QUEUE_KIND_STICKY;
    wt.taskQueue = a.getTaskQueue().getName();
    wt.scheduledTime = EventTimes.millis(e);
    s.dirty = true;
  }

  /** WorkflowTaskStarted: a poller took the task. */
  public static void applyStarted(MutableState s, HistoryEvent e) {
    var a = e.getWorkflowTaskStartedEventAttributes();
    WorkflowTaskInfo wt = s.workflowTask;
    wt.startedEventId = e.getEventId();
    wt.startedTime = EventTimes.millis(e);
    wt.identity = a.getIdentity();
    wt.requestId = a.getRequestId();
    wt.suggestContinueAsNew = a.getSuggestContinueAsNew();
    s.dirty = true;
  }

  /** WorkflowTaskCompleted: no task is outstanding; a new build gets its auto-reset point. */
  public static void applyCompleted(MutableState s, HistoryEvent e) {
    AutoResetPoints.onWorkflowTaskCompleted(s, e);
    s.lastCompletedStartedEventId = e.getWorkflowTaskCompletedEventAttributes().getStartedEventId();
    s.workflowTask.clear();
    s.workflowTask.attempt = 1;
    s.dirty = true;
  }

  /** WorkflowTaskFailed or TimedOut: no task is outstanding; the attempt count is kept. */
  public static void applyFailed(MutableState s, HistoryEvent e) {
    int attempt = s.workflowTask.attempt;
    s.workflowTask.clear();
    s.workflowTask.attempt = attempt;
    s.dirty = true;
  }
}
