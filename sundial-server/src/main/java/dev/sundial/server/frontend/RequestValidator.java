package dev.sundial.server.frontend;

import com.google.protobuf.Duration;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.EngineContext;
import dev.sundial.engine.history.activity.ActivityRetryPolicy;
import dev.sundial.engine.history.workflow.CronSchedule;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.StandaloneActivityKey;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.Priority;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;

/** Request checks done before anything reaches the engine; messages name the field. */
final class RequestValidator {
  static final int MAX_ID_LENGTH = 1000;
  /** Temporal's limit on a fairness key's length. */
  static final int MAX_FAIRNESS_KEY_LENGTH = 64;

  private final EngineContext.Limits limits;

  RequestValidator(EngineContext.Limits limits) {
    this.limits = limits;
  }

  static EngineException invalid(String message) {
    return EngineException.invalidArgument(message);
  }

  void namespace(String namespace) {
    if (namespace == null || namespace.isEmpty()) {
      throw invalid("Namespace not set on request.");
    }
  }

  static void workflowId(String workflowId) {
    if (workflowId == null || workflowId.isEmpty()) {
      throw invalid("WorkflowId is not set on request.");
    }
    if (workflowId.length() > MAX_ID_LENGTH) {
      throw invalid("WorkflowId length exceeds limit of " + MAX_ID_LENGTH + ".");
    }
    if (workflowId.startsWith(StandaloneActivityKey.PREFIX)) {
      // Reserved: the key standalone activities are kept under.
      throw invalid("WorkflowId may not start with the control character U+001F.");
    }
  }

  static void taskQueue(TaskQueue q, String what) {
    if (q == null || q.getName().isEmpty()) {
      throw invalid("TaskQueue is not set on " + what + ".");
    }
    if (q.getName().length() > MAX_ID_LENGTH) {
      throw invalid("TaskQueue length exceeds limit of " + MAX_ID_LENGTH + ".");
    }
  }

  static void nonNegative(Duration d, String field) {
    if (d.getSeconds() < 0 || d.getNanos() < 0) {
      throw invalid("Invalid " + field + ": it must not be negative.");
    }
  }

  void payload(Payloads p, String field) {
    if (p != null && p.getSerializedSize() > limits.maxPayloadBytes()) {
      throw invalid(
          field + " size " + p.getSerializedSize() + " bytes exceeds the limit of "
              + limits.maxPayloadBytes() + " bytes.");
    }
  }

  void query(QueryWorkflowRequest r) {
    workflowId(r.getExecution().getWorkflowId());
    if (!r.hasQuery()) {
      throw invalid("WorkflowQuery is not set on request.");
    }
    if (r.getQuery().getQueryType().isEmpty()) {
      throw invalid("QueryType is not set on request.");
    }
    payload(r.getQuery().getQueryArgs(), "QueryArgs");
  }

  void signalWithStart(SignalWithStartWorkflowExecutionRequest r) {
    if (r.getSignalName().isEmpty()) {
      throw invalid("SignalName is not set on request.");
    }
    if (r.getWorkflowIdConflictPolicy()
        == WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL) {
      throw invalid(
          "WorkflowIdConflictPolicy FAIL is not supported for SignalWithStartWorkflowExecution.");
    }
    payload(r.getSignalInput(), "SignalInput");
    // The start half is validated exactly like StartWorkflowExecution.
    start(StartWorkflow.startRequestOf(r).build());
  }

  /** Temporal's rule: the deprecated TERMINATE_IF_RUNNING and REJECT_DUPLICATE + TERMINATE_EXISTING. */
  static void idPolicies(WorkflowIdReusePolicy reuse, WorkflowIdConflictPolicy conflict) {
    if (conflict != WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED
        && reuse == WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) {
      throw invalid("Invalid WorkflowIDReusePolicy: WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING"
          + " cannot be used together with a WorkflowIDConflictPolicy");
    }
    if (conflict == WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING
        && reuse == WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) {
      throw invalid("Invalid WorkflowIDReusePolicy: WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE"
          + " cannot be used together with WorkflowIdConflictPolicy"
          + " WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING");
    }
  }

  /** Temporal's priority rules, with its messages. */
  static void priority(Priority p) {
    if (p.getPriorityKey() < 0) {
      throw invalid("priority key can't be negative");
    }
    if (p.getFairnessKey().length() > MAX_FAIRNESS_KEY_LENGTH) {
      throw invalid("fairness key length exceeds limit");
    }
    if (p.getFairnessWeight() < 0) {
      throw invalid("must be greater than zero");
    }
  }

  void start(StartWorkflowExecutionRequest r) {
    workflowId(r.getWorkflowId());
    idPolicies(r.getWorkflowIdReusePolicy(), r.getWorkflowIdConflictPolicy());
    priority(r.getPriority());
    if (r.getWorkflowType().getName().isEmpty()) {
      throw invalid("WorkflowType is not set on request.");
    }
    if (r.getWorkflowType().getName().length() > MAX_ID_LENGTH) {
      throw invalid("WorkflowType length exceeds limit of " + MAX_ID_LENGTH + ".");
    }
    taskQueue(r.getTaskQueue(), "request");
    if (r.getRequestId().length() > MAX_ID_LENGTH) {
      throw invalid("RequestId length exceeds limit of " + MAX_ID_LENGTH + ".");
    }
    nonNegative(r.getWorkflowExecutionTimeout(), "WorkflowExecutionTimeout");
    nonNegative(r.getWorkflowRunTimeout(), "WorkflowRunTimeout");
    nonNegative(r.getWorkflowTaskTimeout(), "WorkflowTaskTimeout");
    nonNegative(r.getWorkflowStartDelay(), "WorkflowStartDelay");
    if (r.hasRetryPolicy()) {
      String err = ActivityRetryPolicy.validate(r.getRetryPolicy(), "StartWorkflowExecution");
      if (err != null) throw invalid(err);
    }
    if (!r.getCronSchedule().isEmpty()) {
      try {
        CronSchedule.parse(r.getCronSchedule());
      } catch (IllegalArgumentException e) {
        throw invalid("Invalid CronSchedule: " + e.getMessage());
      }
    }
    payload(r.getInput(), "Input");
    if (r.getMemo().getSerializedSize() > limits.maxPayloadBytes()) {
      throw invalid("Memo size exceeds the limit of " + limits.maxPayloadBytes() + " bytes.");
    }
    if (r.getHeader().getSerializedSize() > limits.maxPayloadBytes()) {
      throw invalid("Header size exceeds the limit of " + limits.maxPayloadBytes() + " bytes.");
    }
  }

  /** StartActivityExecution, with Temporal's rules and messages for standalone activities. */
  void startActivity(StartActivityExecutionRequest r) {
    activityId(r.getActivityId());
    if (r.getActivityType().getName().isEmpty()) {
      throw invalid("activityType is not set");
    }
    if (r.getActivityType().getName().length() > MAX_ID_LENGTH) {
      throw invalid("activityType exceeds length limit. Length="
          + r.getActivityType().getName().length() + " Limit=" + MAX_ID_LENGTH);
    }
    taskQueue(r.getTaskQueue(), "request");
    if (r.getRequestId().length() > MAX_ID_LENGTH) {
      throw invalid("request ID exceeds length limit. Length=" + r.getRequestId().length()
          + " Limit=" + MAX_ID_LENGTH);
    }
    priority(r.getPriority());
    nonNegative(r.getStartDelay(), "StartDelay");
    nonNegative(r.getScheduleToCloseTimeout(), "ScheduleToCloseTimeout");
    nonNegative(r.getScheduleToStartTimeout(), "ScheduleToStartTimeout");
    nonNegative(r.getStartToCloseTimeout(), "StartToCloseTimeout");
    nonNegative(r.getHeartbeatTimeout(), "HeartbeatTimeout");
    if (Durations.toMillis(r.getScheduleToCloseTimeout()) <= 0
        && Durations.toMillis(r.getStartToCloseTimeout()) <= 0) {
      throw invalid("a valid StartToCloseTimeout or ScheduleToCloseTimeout must be set on the"
          + " activity. ActivityId=" + r.getActivityId() + " ActivityType="
          + r.getActivityType().getName());
    }
    if (r.hasRetryPolicy()) {
      String err = ActivityRetryPolicy.validate(r.getRetryPolicy(), "StartActivityExecution");
      if (err != null) throw invalid(err);
    }
    if (r.getCompletionCallbacksCount() > 0) {
      throw invalid("completion callbacks are not enabled for this namespace");
    }
    payload(r.getInput(), "Input");
    if (r.getHeader().getSerializedSize() > limits.maxPayloadBytes()) {
      throw invalid("Header size exceeds the limit of " + limits.maxPayloadBytes() + " bytes.");
    }
  }

  /** The id of a standalone activity named by a request (Temporal's message). */
  static void activityId(String activityId) {
    if (activityId == null || activityId.isEmpty()) {
      throw invalid("activity ID is required");
    }
    if (activityId.length() > MAX_ID_LENGTH) {
      throw invalid("activity ID exceeds length limit. Length=" + activityId.length()
          + " Limit=" + MAX_ID_LENGTH);
    }
  }
}
