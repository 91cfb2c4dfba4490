package dev.sundial.engine.describe;

import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.visibility.ExecutionInfos;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.enums.v1.PendingWorkflowTaskState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.PendingWorkflowTaskInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionConfig;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;

/** Builds DescribeWorkflowExecution from committed mutable state. */
public final class Describer {
  private Describer() {}

  public static DescribeWorkflowExecutionResponse describe(MutableState s) {
    var started = s.started;
    WorkflowExecutionInfo.Builder info = ExecutionInfos.of(s, s.dbVersion);
    WorkflowExecutionConfig.Builder config =
        WorkflowExecutionConfig.newBuilder()
            .setTaskQueue(started.getTaskQueue())
            .setWorkflowExecutionTimeout(started.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(started.getWorkflowRunTimeout())
            .setDefaultWorkflowTaskTimeout(started.getWorkflowTaskTimeout());
    if (s.userMetadata != null) config.setUserMetadata(s.userMetadata);
    DescribeWorkflowExecutionResponse.Builder b =
        DescribeWorkflowExecutionResponse.newBuilder()
            .setExecutionConfig(config)
            .setWorkflowExecutionInfo(info);
    if (s.isRunning()) {
      for (ActivityInfo a : s.activities.values()) {
        b.addPendingActivities(pending(a));
      }
      if (s.workflowTask.isScheduled()) {
        var wt = s.workflowTask;
        PendingWorkflowTaskInfo.Builder p =
            PendingWorkflowTaskInfo.newBuilder()
                .setState(
                    wt.isStarted()
                        ? PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
                        : PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED)
                .setScheduledTime(MutableState.timestamp(wt.scheduledTime))
                .setOriginalScheduledTime(MutableState.timestamp(wt.scheduledTime))
                .setAttempt(wt.attempt);
        if (wt.isStarted()) p.setStartedTime(MutableState.timestamp(wt.startedTime));
        b.setPendingWorkflowTask(p);
      }
    }
    DescribeExtras.response(s, b);
    return b.build();
  }

  static PendingActivityInfo pending(ActivityInfo a) {
    PendingActivityState state =
        a.cancelRequested
            ? PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
            : a.isStarted()
                ? PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                : PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED;
    PendingActivityInfo.Builder p =
        PendingActivityInfo.newBuilder()
            .setActivityId(a.scheduled.getActivityId())
            .setActivityType(a.scheduled.getActivityType())
            .setState(state)
            .setAttempt(a.attempt)
            .setMaximumAttempts(a.scheduled.getRetryPolicy().getMaximumAttempts())
            .setLastWorkerIdentity(a.isStarted() ? a.startedIdentity : a.lastWorkerIdentity);
    if (a.heartbeatDetails != null) p.setHeartbeatDetails(a.heartbeatDetails);
    if (a.lastHeartbeatTime > 0) p.setLastHeartbeatTime(MutableState.timestamp(a.lastHeartbeatTime));
    if (a.isStarted()) p.setLastStartedTime(MutableState.timestamp(a.startedTime));
    if (!a.isStarted()) {
      p.setScheduledTime(
          MutableState.timestamp(a.retryAt > 0 ? a.retryAt : a.attemptScheduledTime));
    }
    if (a.expirationTime > 0) p.setExpirationTime(MutableState.timestamp(a.expirationTime));
    if (a.lastFailure != null) p.setLastFailure(a.lastFailure);
    return p.build();
  }
}
