package dev.sundial.engine.describe;

import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.ChildInfo;
import dev.sundial.engine.state.MutableState;
import io.temporal.api.activity.v1.ActivityOptions;
import io.temporal.api.enums.v1.TaskQueueKind;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.PendingChildExecutionInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionExtendedInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.util.Iterator;

/**
 * The parts of DescribeWorkflowExecution beyond the execution info that visibility shares (see
 * {@link Describer}), filled as Temporal's describe does: auto-reset points, pending children,
 * the activity options and retry schedule of pending activities, and the extended info
 * (expiration times, original start time, cancel requested, reset links).
 */
final class DescribeExtras {
  private DescribeExtras() {}

  static void response(MutableState s, DescribeWorkflowExecutionResponse.Builder b) {
    b.getExecutionConfigBuilder()
        .setTaskQueue(
            TaskQueue.newBuilder()
                .setName(s.started.getTaskQueue().getName())
                .setKind(TaskQueueKind.TASK_QUEUE_KIND_NORMAL));
    if (s.isRunning()) {
      Iterator<ActivityInfo> activities = s.activities.values().iterator();
      for (PendingActivityInfo.Builder p : b.getPendingActivitiesBuilderList()) {
        if (activities.hasNext()) {
          activity(activities.next(), p);
        }
      }
      for (ChildInfo c : s.children.values()) {
        b.addPendingChildren(
            PendingChildExecutionInfo.newBuilder()
                .setWorkflowId(c.initiated.getWorkflowId())
                .setRunId(c.runId)
                .setWorkflowTypeName(c.initiated.getWorkflowType().getName())
                .setInitiatedId(c.initiatedEventId)
                .setParentClosePolicy(c.initiated.getParentClosePolicy()));
      }
    }
    WorkflowExecutionExtendedInfo.Builder x =
        WorkflowExecutionExtendedInfo.newBuilder()
            .setCancelRequested(s.cancelRequested)
            .setOriginalStartTime(
                MutableState.timestamp(
                    s.reset.originalStartTime > 0 ? s.reset.originalStartTime : s.startTime))
            .setResetRunId(s.reset.resetRunId);
    if (s.executionExpirationTime > 0) {
      x.setExecutionExpirationTime(MutableState.timestamp(s.executionExpirationTime));
    }
    if (s.runExpirationTime > 0) {
      x.setRunExpirationTime(MutableState.timestamp(s.runExpirationTime));
    }
    if (s.reset.isResetRun()) {
      x.setLastResetTime(MutableState.timestamp(s.reset.resetTime));
    }
    b.setWorkflowExtendedInfo(x);
  }

  /** Options and retry schedule of a pending activity, as Temporal reports them. */
  private static void activity(ActivityInfo a, PendingActivityInfo.Builder p) {
    var sch = a.scheduled;
    p.setScheduledTime(
        MutableState.timestamp(!a.isStarted() && a.retryAt > 0 ? a.retryAt : a.attemptScheduledTime));
    if (!a.isStarted() && a.retryAt > 0) {
      p.setNextAttemptScheduleTime(MutableState.timestamp(a.retryAt));
    }
    if (sch.hasPriority()) {
      p.setPriority(sch.getPriority());
    }
    ActivityOptions.Builder o =
        ActivityOptions.newBuilder()
            .setTaskQueue(
                TaskQueue.newBuilder()
                    .setName(sch.getTaskQueue().getName())
                    .setNormalName(sch.getTaskQueue().getName()))
            .setScheduleToCloseTimeout(sch.getScheduleToCloseTimeout())
            .setScheduleToStartTimeout(sch.getScheduleToStartTimeout())
            .setStartToCloseTimeout(sch.getStartToCloseTimeout())
            .setHeartbeatTimeout(sch.getHeartbeatTimeout())
            .setRetryPolicy(sch.getRetryPolicy());
    p.setActivityOptions(o);
  }
}
