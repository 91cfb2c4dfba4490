package dev.sundial.engine.history.workflow;

import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.activity.ActivityRetryPolicy;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.ActivityInfo;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.StandaloneActivityKey;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.ActivityIdConflictPolicy;
import io.temporal.api.enums.v1.ActivityIdReusePolicy;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.List;

/**
 * Activity executions started on their own, without a workflow (Temporal's standalone
 * activities). Each is a run of its own, under a reserved key so that activity ids never meet
 * workflow ids, that the server drives without workflow tasks: its first events are
 * WorkflowExecutionStarted and ActivityTaskScheduled, the activity machinery (dispatch, retries,
 * timeouts, heartbeats, cancellation, task tokens) does the rest, and the run closes when the
 * activity does, with its outcome. Being a run, it is as durable as a workflow and served by the
 * node that owns its key.
 */
public final class StandaloneActivities {
  private StandaloneActivities() {}

  /** Starts the activity's run (id policies as for workflows) and schedules the activity. */
  public static StartWorkflow.Result start(
      ShardTxn txn, String namespaceId, StartActivityExecutionRequest r) {
    ActivityTaskScheduledEventAttributes scheduled = scheduled(r);
    return StartWorkflow.start(
        txn, namespaceId, runRequest(r), null,
        s -> Activities.schedule(txn, s, scheduled, Durations.toMillis(r.getStartDelay())));
  }

  /** The start of the run that carries the activity. */
  static StartWorkflowExecutionRequest runRequest(StartActivityExecutionRequest r) {
    StartWorkflowExecutionRequest.Builder b =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(r.getNamespace())
            .setWorkflowId(StandaloneActivityKey.of(r.getActivityId()))
            .setWorkflowType(WorkflowType.newBuilder().setName(r.getActivityType().getName()))
            .setTaskQueue(r.getTaskQueue())
            .setIdentity(r.getIdentity())
            .setRequestId(r.getRequestId())
            .setWorkflowIdReusePolicy(reuse(r.getIdReusePolicy()))
            .setWorkflowIdConflictPolicy(conflict(r.getIdConflictPolicy()));
    if (r.hasInput()) b.setInput(r.getInput());
    if (r.hasHeader()) b.setHeader(r.getHeader());
    if (r.hasSearchAttributes()) b.setSearchAttributes(r.getSearchAttributes());
    if (r.hasUserMetadata()) b.setUserMetadata(r.getUserMetadata());
    if (r.hasPriority()) b.setPriority(r.getPriority());
    return b.build();
  }

  /** The activity's scheduled event, with Temporal's timeout rules. */
  static ActivityTaskScheduledEventAttributes scheduled(StartActivityExecutionRequest r) {
    long s2c = Durations.toMillis(r.getScheduleToCloseTimeout());
    long s2s = Durations.toMillis(r.getScheduleToStartTimeout());
    long stc = Durations.toMillis(r.getStartToCloseTimeout());
    long hb = Durations.toMillis(r.getHeartbeatTimeout());
    // Temporal's rules without a workflow's run timeout: ScheduleToClose bounds the others, and
    // only StartToClose set leaves the activity unbounded in ScheduleToClose and ScheduleToStart.
    if (s2c > 0) {
      s2s = s2s > 0 ? Math.min(s2s, s2c) : s2c;
      stc = stc > 0 ? Math.min(stc, s2c) : s2c;
    }
    hb = Math.min(hb, stc);
    ActivityTaskScheduledEventAttributes.Builder b =
        ActivityTaskScheduledEventAttributes.newBuilder()
            .setActivityId(r.getActivityId())
            .setActivityType(r.getActivityType())
            .setTaskQueue(r.getTaskQueue())
            .setScheduleToCloseTimeout(Durations.ofMillis(s2c))
            .setScheduleToStartTimeout(Durations.ofMillis(s2s))
            .setStartToCloseTimeout(Durations.ofMillis(stc))
            .setHeartbeatTimeout(Durations.ofMillis(hb))
            .setRetryPolicy(ActivityRetryPolicy.withDefaults(r.getRetryPolicy()));
    if (r.hasHeader()) b.setHeader(r.getHeader());
    if (r.hasInput()) b.setInput(r.getInput());
    if (r.hasPriority()) b.setPriority(r.getPriority());
    return b.build();
  }

  /**
   * Closes a standalone activity's run once its activity has closed, with the activity's outcome;
   * nothing for a workflow, or while the activity is pending. Called after every step that may
   * close an activity (a worker's answer, a timer, a cancel request).
   */
  public static void settle(ShardTxn txn, MutableState s) {
    if (!StandaloneActivityKey.is(s) || !s.isRunning() || !s.activities.isEmpty()) {
      return;
    }
    for (int i = s.newEvents.size() - 1; i >= 0; i--) {
      if (closeRun(txn, s, s.newEvents.get(i))) {
        return;
      }
    }
    throw new IllegalStateException("a standalone activity closed without its closing event");
  }

  /** Closes the run as the activity's closing event {@code e} says; false for another event. */
  private static boolean closeRun(ShardTxn txn, MutableState s, HistoryEvent e) {
    switch (e.getEventType()) {
      case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
        var a = e.getActivityTaskCompletedEventAttributes();
        WorkflowClose.complete(txn, s, a.hasResult() ? a.getResult() : null, 0);
      }
      case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
          WorkflowClose.fail(txn, s, e.getActivityTaskFailedEventAttributes().getFailure(), 0);
      case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> {
        var a = e.getActivityTaskCanceledEventAttributes();
        WorkflowClose.cancel(txn, s, a.hasDetails() ? a.getDetails() : null, 0);
      }
      // The run's TimedOut event has no failure: the outcome is read from the activity's event.
      case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT ->
          WorkflowClose.timedOut(txn, s, e.getActivityTaskTimedOutEventAttributes().getRetryState());
      default -> {
        return false;
      }
    }
    return true;
  }

  /** RequestCancelActivityExecution: the activity is asked to cancel (at once if not started). */
  static void cancelRequested(ShardTxn txn, MutableState s) {
    for (ActivityInfo a : List.copyOf(s.activities.values())) {
      if (!a.cancelRequested) {
        Activities.requestCancel(txn, s, a.scheduledEventId, 0);
      }
    }
    settle(txn, s);
  }

  private static WorkflowIdReusePolicy reuse(ActivityIdReusePolicy p) {
    return switch (p) {
      case ACTIVITY_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY ->
          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY;
      case ACTIVITY_ID_REUSE_POLICY_REJECT_DUPLICATE ->
          WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE;
      default -> WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
    };
  }

  private static WorkflowIdConflictPolicy conflict(ActivityIdConflictPolicy p) {
    return p == ActivityIdConflictPolicy.ACTIVITY_ID_CONFLICT_POLICY_USE_EXISTING
        ? WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
        : WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL;
  }
}
