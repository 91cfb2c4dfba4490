package dev.sundial.engine.history.workflow;

import dev.sundial.engine.api.ParentRun;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.history.activity.ActivityRetryPolicy;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.Durations;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.CurrentExecution;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ContinueAsNewInitiator;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * StartWorkflowExecution: request-id idempotency, id reuse and conflict policies, then a new run.
 */
public final class StartWorkflow {
  private StartWorkflow() {}

  /** The run the caller should see, and whether this request created it. */
  public record Result(String runId, boolean started) {}

  /** Defaults Temporal applies to start timeouts (the request is already validated). */
  public static final long DEFAULT_WORKFLOW_TASK_TIMEOUT_MS = 10_000;
  public static final long MAX_WORKFLOW_TASK_TIMEOUT_MS = 120_000;

  public static Result start(ShardTxn txn, String namespaceId, StartWorkflowExecutionRequest req) {
    return start(txn, namespaceId, req, null);
  }

  public static Result start(
      ShardTxn txn, String namespaceId, StartWorkflowExecutionRequest req, ParentRun parent) {
    return start(txn, namespaceId, req, parent, null);
  }

  /** @param afterStarted applied right after WorkflowExecutionStarted (signal-with-start) */
  public static Result start(
      ShardTxn txn, String namespaceId, StartWorkflowExecutionRequest req, ParentRun parent,
      Consumer<MutableState> afterStarted) {
    String workflowId = req.getWorkflowId();
    CurrentExecution current = txn.current(namespaceId, workflowId);
    WorkflowIdReusePolicy reuse = req.getWorkflowIdReusePolicy();
    WorkflowIdConflictPolicy conflict = req.getWorkflowIdConflictPolicy();
    if (reuse == WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) {
      conflict = WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
    }
    if (current != null) {
      if (!req.getRequestId().isEmpty() && req.getRequestId().equals(current.startRequestId())) {
        // A retried request: answer as the original start did.
        return new Result(current.runId(), true);
      }
      if (current.running()) {
        switch (conflict) {
          case WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING:
            return new Result(current.runId(), false);
          case WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING: {
            MutableState running = txn.load(namespaceId, workflowId, current.runId());
            WorkflowClose.terminate(
                txn, running, "terminated by a new start (workflow id conflict policy)", null,
                req.getIdentity());
            current = new CurrentExecution(
                namespaceId, workflowId, current.runId(), false, current.startRequestId());
            break;
          }
          default:
            throw new WorkflowAlreadyStartedException(
                "Workflow execution is already running. WorkflowId: " + workflowId
                    + ", RunId: " + current.runId() + ".",
                current.startRequestId(), current.runId());
        }
      } else {
        checkReuse(txn, namespaceId, workflowId, current, reuse);
      }
    }
    String runId = UUID.randomUUID().toString();
    WorkflowExecutionStartedEventAttributes.Builder attrs = startedAttributes(req);
    if (parent != null) {
      attrs
          .setParentWorkflowNamespace(parent.namespace())
          .setParentWorkflowNamespaceId(parent.namespaceId())
          .setParentWorkflowExecution(
              WorkflowExecution.newBuilder()
                  .setWorkflowId(parent.workflowId())
                  .setRunId(parent.runId()))
          .setParentInitiatedEventId(parent.initiatedEventId())
          .setRootWorkflowExecution(parent.root());
    }
    // A top-level run names no root in its started event (SDKs then report none, as on
    // Temporal); describe and visibility show the run itself as its root.
    long backoff = Durations.toMillis(req.getWorkflowStartDelay());
    if (!req.getCronSchedule().isEmpty() && backoff == 0) {
      // A cron workflow's first run waits for the first schedule time.
      backoff = CronSchedule.parse(req.getCronSchedule()).backoffMillis(txn.now(), txn.now());
    }
    WorkflowRuns.create(
        txn, namespaceId, workflowId, runId, runId, req.getRequestId(), attrs, backoff, -1,
        current, req.hasUserMetadata() ? req.getUserMetadata() : null, afterStarted);
    return new Result(runId, true);
  }

  private static void checkReuse(
      ShardTxn txn, String namespaceId, String workflowId, CurrentExecution current,
      WorkflowIdReusePolicy reuse) {
    switch (reuse) {
      case WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE ->
          throw new WorkflowAlreadyStartedException(
              "Workflow execution already finished. WorkflowId: " + workflowId + ", RunId: "
                  + current.runId() + ". Workflow Id reuse policy: reject duplicate.",
              current.startRequestId(), current.runId());
      case WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY -> {
        MutableState last = txn.load(namespaceId, workflowId, current.runId());
        if (last != null
            && last.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
          throw new WorkflowAlreadyStartedException(
              "Workflow execution already finished successfully. WorkflowId: " + workflowId
                  + ", RunId: " + current.runId()
                  + ". Workflow Id reuse policy: allow duplicate workflow Id if last run failed.",
              current.startRequestId(), current.runId());
        }
      }
      default -> {}
    }
  }

  /** The start half of a SignalWithStartWorkflowExecution, as a StartWorkflowExecution request. */
  public static StartWorkflowExecutionRequest.Builder startRequestOf(
      SignalWithStartWorkflowExecutionRequest req) {
    StartWorkflowExecutionRequest.Builder start =
        StartWorkflowExecutionRequest.newBuilder()
            .setNamespace(req.getNamespace())
            .setWorkflowId(req.getWorkflowId())
            .setWorkflowType(req.getWorkflowType())
            .setTaskQueue(req.getTaskQueue())
            .setWorkflowExecutionTimeout(req.getWorkflowExecutionTimeout())
            .setWorkflowRunTimeout(req.getWorkflowRunTimeout())
            .setWorkflowTaskTimeout(req.getWorkflowTaskTimeout())
            .setIdentity(req.getIdentity())
            .setRequestId(req.getRequestId())
            .setWorkflowIdReusePolicy(req.getWorkflowIdReusePolicy())
            .setWorkflowIdConflictPolicy(req.getWorkflowIdConflictPolicy())
            .setCronSchedule(req.getCronSchedule())
            .setWorkflowStartDelay(req.getWorkflowStartDelay());
    if (req.hasInput()) start.setInput(req.getInput());
    if (req.hasRetryPolicy()) start.setRetryPolicy(req.getRetryPolicy());
    if (req.hasMemo()) start.setMemo(req.getMemo());
    if (req.hasSearchAttributes()) start.setSearchAttributes(req.getSearchAttributes());
    if (req.hasHeader()) start.setHeader(req.getHeader());
    if (req.hasPriority()) start.setPriority(req.getPriority());
    if (req.hasUserMetadata()) start.setUserMetadata(req.getUserMetadata());
    return start;
  }

  static WorkflowExecutionStartedEventAttributes.Builder startedAttributes(
      StartWorkflowExecutionRequest req) {
    long execTimeout = Durations.toMillis(req.getWorkflowExecutionTimeout());
    long runTimeout = Durations.toMillis(req.getWorkflowRunTimeout());
    if (runTimeout == 0 || (execTimeout > 0 && runTimeout > execTimeout)) {
      runTimeout = execTimeout;
    }
    long taskTimeout = Durations.toMillis(req.getWorkflowTaskTimeout());
    if (taskTimeout == 0) taskTimeout = DEFAULT_WORKFLOW_TASK_TIMEOUT_MS;
    taskTimeout = Math.min(taskTimeout, MAX_WORKFLOW_TASK_TIMEOUT_MS);
    if (runTimeout > 0) taskTimeout = Math.min(taskTimeout, runTimeout);

    WorkflowExecutionStartedEventAttributes.Builder b =
        WorkflowExecutionStartedEventAttributes.newBuilder()
            .setWorkflowType(req.getWorkflowType())
            .setTaskQueue(req.getTaskQueue())
            .setWorkflowExecutionTimeout(Durations.ofMillis(execTimeout))
            .setWorkflowRunTimeout(Durations.ofMillis(runTimeout))
            .setWorkflowTaskTimeout(Durations.ofMillis(taskTimeout))
            .setIdentity(req.getIdentity())
            .setAttempt(1)
            .setInitiator(ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED);
    if (req.hasInput()) b.setInput(req.getInput());
    if (req.hasRetryPolicy()) b.setRetryPolicy(ActivityRetryPolicy.withDefaults(req.getRetryPolicy()));
    if (req.hasMemo()) b.setMemo(req.getMemo());
    if (req.hasSearchAttributes()) b.setSearchAttributes(req.getSearchAttributes());
    if (req.hasHeader()) b.setHeader(req.getHeader());
    if (!req.getCronSchedule().isEmpty()) b.setCronSchedule(req.getCronSchedule());
    if (req.hasPriority()) b.setPriority(req.getPriority());
    // Schedules hand the previous run's result or failure to the next run.
    if (req.hasLastCompletionResult()) b.setLastCompletionResult(req.getLastCompletionResult());
    if (req.hasContinuedFailure()) b.setContinuedFailure(req.getContinuedFailure());
    return b;
  }
}
