package dev.sundial.server.frontend;

import com.google.rpc.Code;
import dev.sundial.engine.Engine;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.history.workflow.StandaloneActivities;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.engine.visibility.StandaloneActivityQuery;
import io.temporal.api.activity.v1.ActivityExecutionInfo;
import io.temporal.api.activity.v1.ActivityExecutionListInfo;
import io.temporal.api.activity.v1.ActivityExecutionOutcome;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ActivityExecutionStatus;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.errordetails.v1.ActivityExecutionAlreadyStartedFailure;
import io.temporal.api.failure.v1.CanceledFailureInfo;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.failure.v1.TerminatedFailureInfo;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.CountActivityExecutionsResponse;
import io.temporal.api.workflowservice.v1.DeleteActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.DeleteActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListActivityExecutionsResponse;
import io.temporal.api.workflowservice.v1.PollActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.PollActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.RequestCancelActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.TerminateActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateActivityExecutionResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Standalone activity executions (StartActivityExecution and the calls on one): each is the run
 * {@link StandaloneActivities} keeps it in, so these calls are the run's calls under the activity's
 * key, answered in the activity API's terms.
 */
final class ActivityExecutionHandler {
  private final Engine engine;
  private final RequestValidator validate;

  ActivityExecutionHandler(Engine engine, RequestValidator validate) {
    this.engine = engine;
    this.validate = validate;
  }

  CompletableFuture<StartActivityExecutionResponse> start(
      String namespaceId, StartActivityExecutionRequest req) {
    validate.startActivity(req);
    StartActivityExecutionRequest.Builder r = req.toBuilder();
    if (r.getRequestId().isEmpty()) {
      r.setRequestId(UUID.randomUUID().toString());
    }
    if (r.hasSearchAttributes()) {
      r.setSearchAttributes(
          engine.visibility.validate(namespaceId, r.getNamespace(), r.getSearchAttributes()));
    }
    return engine.workflows.startActivity(namespaceId, r.build()).handle((response, e) -> {
      if (e == null) {
        return response;
      }
      Throwable cause = e instanceof CompletionException ? e.getCause() : e;
      if (cause instanceof WorkflowAlreadyStartedException started) {
        // Temporal's words and details for an activity id in use (the SDK maps them).
        throw GrpcErrors.withDetails(Code.ALREADY_EXISTS, "activity execution already started",
            ActivityExecutionAlreadyStartedFailure.newBuilder()
                .setStartRequestId(started.startRequestId())
                .setRunId(started.runId())
                .build());
      }
      throw e instanceof CompletionException ce ? ce : new CompletionException(e);
    });
  }

  /**
   * PollActivityExecution: waits (up to the long poll) for the activity's run to close and answers
   * its outcome; no outcome when the wait ends first (the SDK polls again).
   */
  CompletableFuture<PollActivityExecutionResponse> poll(
      String namespaceId, PollActivityExecutionRequest req, long longPollMillis) {
    RequestValidator.activityId(req.getActivityId());
    // The answer names the run even when the request did not (the activity id's current run).
    String runId = req.getRunId().isEmpty()
        ? engine.history.describe(namespaceId, StandaloneActivityKey.of(req.getActivityId()), "")
            .getWorkflowExecutionInfo().getExecution().getRunId()
        : req.getRunId();
    var response = PollActivityExecutionResponse.newBuilder().setRunId(runId);
    return engine.history.getHistory(namespaceId,
            history(req, runId, HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT),
            longPollMillis)
        .thenCompose(h -> {
          if (h.getHistory().getEventsCount() == 0) {
            return CompletableFuture.completedFuture(response.build());
          }
          HistoryEvent close = h.getHistory().getEvents(h.getHistory().getEventsCount() - 1);
          if (!close.hasWorkflowExecutionTimedOutEventAttributes()) {
            ActivityExecutionOutcome outcome = outcome(close);
            if (outcome != null) response.setOutcome(outcome);
            return CompletableFuture.completedFuture(response.build());
          }
          // The run's TimedOut event carries no failure: the activity's own event does.
          return engine.history.getHistory(namespaceId,
                  history(req, runId, HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT), 0)
              .thenApply(all -> {
                for (HistoryEvent e : all.getHistory().getEventsList()) {
                  if (e.hasActivityTaskTimedOutEventAttributes()) {
                    var a = e.getActivityTaskTimedOutEventAttributes();
                    response.setOutcome(ActivityExecutionOutcome.newBuilder()
                        .setFailure(a.getFailure())
                        .setRetryState(a.getRetryState()));
                  }
                }
                return response.build();
              });
        });
  }

  private static GetWorkflowExecutionHistoryRequest history(
      PollActivityExecutionRequest req, String runId, HistoryEventFilterType filter) {
    boolean closeOnly = filter == HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
    return GetWorkflowExecutionHistoryRequest.newBuilder()
        .setNamespace(req.getNamespace())
        .setExecution(WorkflowExecution.newBuilder()
            .setWorkflowId(StandaloneActivityKey.of(req.getActivityId()))
            .setRunId(runId))
        .setWaitNewEvent(closeOnly)
        .setHistoryEventFilterType(filter)
        .build();
  }

  CompletableFuture<TerminateActivityExecutionResponse> terminate(
      String namespaceId, TerminateActivityExecutionRequest req) {
    RequestValidator.activityId(req.getActivityId());
    return engine.workflows
        .terminate(namespaceId, StandaloneActivityKey.of(req.getActivityId()), req.getRunId(), "",
            req.getReason(), null, req.getIdentity())
        .thenApply(v -> TerminateActivityExecutionResponse.getDefaultInstance());
  }

  CompletableFuture<DeleteActivityExecutionResponse> delete(
      String namespaceId, DeleteActivityExecutionRequest req) {
    RequestValidator.activityId(req.getActivityId());
    return engine.workflows
        .delete(namespaceId, StandaloneActivityKey.of(req.getActivityId()), req.getRunId())
        .thenApply(v -> DeleteActivityExecutionResponse.getDefaultInstance());
  }

  CompletableFuture<RequestCancelActivityExecutionResponse> requestCancel(
      String namespaceId, RequestCancelActivityExecutionRequest req) {
    RequestValidator.activityId(req.getActivityId());
    return engine.workflows
        .requestCancel(namespaceId, RequestCancelWorkflowExecutionRequest.newBuilder()
            .setNamespace(req.getNamespace())
            .setWorkflowExecution(WorkflowExecution.newBuilder()
                .setWorkflowId(StandaloneActivityKey.of(req.getActivityId()))
                .setRunId(req.getRunId()))
            .setIdentity(req.getIdentity())
            .setRequestId(req.getRequestId().isEmpty() ? UUID.randomUUID().toString() : req.getRequestId())
            .setReason(req.getReason())
            .build())
        .thenApply(v -> RequestCancelActivityExecutionResponse.getDefaultInstance());
  }

  /** DescribeActivityExecution, from the describe of the activity's run. */
  DescribeActivityExecutionResponse describe(
      String namespaceId, DescribeActivityExecutionRequest req) {
    RequestValidator.activityId(req.getActivityId());
    DescribeWorkflowExecutionResponse run = engine.history.describe(
        namespaceId, StandaloneActivityKey.of(req.getActivityId()), req.getRunId());
    var w = run.getWorkflowExecutionInfo();
    ActivityExecutionInfo.Builder info =
        ActivityExecutionInfo.newBuilder()
            .setActivityId(req.getActivityId())
            .setRunId(w.getExecution().getRunId())
            .setActivityType(ActivityType.newBuilder().setName(w.getType().getName()))
            .setStatus(status(w.getStatus()))
            .setTaskQueue(w.getTaskQueue())
            .setScheduleTime(w.getStartTime());
    if (w.hasCloseTime()) info.setCloseTime(w.getCloseTime());
    if (w.hasSearchAttributes()) info.setSearchAttributes(w.getSearchAttributes());
    if (run.getExecutionConfig().hasUserMetadata()) {
      info.setUserMetadata(run.getExecutionConfig().getUserMetadata());
    }
    for (PendingActivityInfo p : run.getPendingActivitiesList()) {
      info.setRunState(p.getState()).setAttempt(p.getAttempt());
      if (p.hasHeartbeatDetails()) info.setHeartbeatDetails(p.getHeartbeatDetails());
      if (p.hasLastHeartbeatTime()) info.setLastHeartbeatTime(p.getLastHeartbeatTime());
      if (p.hasLastStartedTime()) info.setLastStartedTime(p.getLastStartedTime());
      if (p.hasLastFailure()) info.setLastFailure(p.getLastFailure());
      if (p.hasExpirationTime()) info.setExpirationTime(p.getExpirationTime());
      if (p.hasNextAttemptScheduleTime()) info.setNextAttemptScheduleTime(p.getNextAttemptScheduleTime());
      if (p.hasCurrentRetryInterval()) info.setCurrentRetryInterval(p.getCurrentRetryInterval());
      info.setLastWorkerIdentity(p.getLastWorkerIdentity());
      if (p.hasActivityOptions()) {
        var o = p.getActivityOptions();
        info.setScheduleToCloseTimeout(o.getScheduleToCloseTimeout())
            .setScheduleToStartTimeout(o.getScheduleToStartTimeout())
            .setStartToCloseTimeout(o.getStartToCloseTimeout())
            .setHeartbeatTimeout(o.getHeartbeatTimeout())
            .setRetryPolicy(o.getRetryPolicy());
      }
    }
    return DescribeActivityExecutionResponse.newBuilder()
        .setRunId(w.getExecution().getRunId())
        .setInfo(info)
        .build();
  }

  private static ActivityExecutionStatus status(WorkflowExecutionStatus s) {
    return switch (s) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_RUNNING;
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_COMPLETED;
      case WORKFLOW_EXECUTION_STATUS_FAILED -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_FAILED;
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_CANCELED;
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TERMINATED;
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_TIMED_OUT;
      default -> ActivityExecutionStatus.ACTIVITY_EXECUTION_STATUS_UNSPECIFIED;
    };
  }

  /** ListActivityExecutions: the visibility rows of the runs that carry standalone activities. */
  ListActivityExecutionsResponse list(String namespaceId, ListActivityExecutionsRequest r) {
    var page = engine.visibility.list(
        namespaceId, StandaloneActivityQuery.toRunQuery(r.getQuery()), r.getPageSize(), r.getNextPageToken());
    ListActivityExecutionsResponse.Builder b =
        ListActivityExecutionsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    for (WorkflowExecutionInfo w : page.executions()) {
      ActivityExecutionListInfo.Builder i =
          ActivityExecutionListInfo.newBuilder()
              .setActivityId(StandaloneActivityKey.activityId(w.getExecution().getWorkflowId()))
              .setRunId(w.getExecution().getRunId())
              .setActivityType(ActivityType.newBuilder().setName(w.getType().getName()))
              .setScheduleTime(w.getStartTime())
              .setStatus(status(w.getStatus()))
              .setTaskQueue(w.getTaskQueue())
              .setStateTransitionCount(w.getStateTransitionCount());
      if (w.hasCloseTime()) i.setCloseTime(w.getCloseTime());
      if (w.hasExecutionDuration()) i.setExecutionDuration(w.getExecutionDuration());
      if (w.hasSearchAttributes()) i.setSearchAttributes(w.getSearchAttributes());
      b.addExecutions(i);
    }
    return b.build();
  }

  /** CountActivityExecutions, with {@code GROUP BY ExecutionStatus} as for workflows. */
  CountActivityExecutionsResponse count(String namespaceId, CountActivityExecutionsRequest r) {
    var counted = engine.visibility.count(namespaceId, StandaloneActivityQuery.toRunQuery(r.getQuery()));
    CountActivityExecutionsResponse.Builder b =
        CountActivityExecutionsResponse.newBuilder().setCount(counted.getCount());
    for (var g : counted.getGroupsList()) {
      b.addGroups(CountActivityExecutionsResponse.AggregationGroup.newBuilder()
          .addAllGroupValues(g.getGroupValuesList())
          .setCount(g.getCount()));
    }
    return b.build();
  }

  /** The outcome a closing event of the activity's run stands for, or null. */
  private static ActivityExecutionOutcome outcome(HistoryEvent e) {
    return switch (e.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
        var a = e.getWorkflowExecutionCompletedEventAttributes();
        var o = ActivityExecutionOutcome.newBuilder();
        if (a.hasResult()) o.setResult(a.getResult());
        yield o.build();
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED ->
          ActivityExecutionOutcome.newBuilder()
              .setFailure(e.getWorkflowExecutionFailedEventAttributes().getFailure())
              .setRetryState(e.getWorkflowExecutionFailedEventAttributes().getRetryState())
              .build();
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ->
          ActivityExecutionOutcome.newBuilder()
              .setFailure(Failure.newBuilder().setMessage("activity canceled")
                  .setCanceledFailureInfo(CanceledFailureInfo.newBuilder().setDetails(
                      e.getWorkflowExecutionCanceledEventAttributes().getDetails())))
              .build();
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ->
          ActivityExecutionOutcome.newBuilder()
              .setFailure(Failure.newBuilder()
                  .setMessage(e.getWorkflowExecutionTerminatedEventAttributes().getReason())
                  .setTerminatedFailureInfo(TerminatedFailureInfo.getDefaultInstance()))
              .build();
      default -> null;
    };
  }
}
