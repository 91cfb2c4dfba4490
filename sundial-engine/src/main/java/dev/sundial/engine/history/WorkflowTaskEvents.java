package dev.sundial.engine.history;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowTaskScheduledEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;

/** The WorkflowTaskScheduled/Started events of the run's current workflow task. */
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
}
