package dev.sundial.engine.cluster;

import dev.sundial.engine.api.ParentRun;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollActivityTaskQueueResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;

/**
 * The steps that run on the shard of one run. The engine asks for a run's executor once ({@code
 * Engine.run}): this node's shard ({@code LocalRunOperations}) or, in a cluster, the node that
 * owns it ({@link Remote}); no other engine code decides where a step runs.
 */
public interface RunOperations {
  CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req);

  /** Starts a standalone activity: its run is keyed by {@code StandaloneActivityKey.of}. */
  CompletableFuture<StartActivityExecutionResponse> startActivity(
      String namespaceId, StartActivityExecutionRequest req);

  /**
   * Terminates the run; with {@code firstExecutionRunId} set, the workflow's current run if it
   * belongs to the chain that run started ({@code runId} then ignored, as in Temporal).
   */
  CompletableFuture<Void> terminate(String namespaceId, String workflowId, String runId,
      String firstExecutionRunId, String reason, Payloads details, String identity);

  CompletableFuture<Void> signal(String namespaceId, SignalWorkflowExecutionRequest req);

  CompletableFuture<Void> requestCancel(
      String namespaceId, RequestCancelWorkflowExecutionRequest req);

  CompletableFuture<Void> delete(String namespaceId, String workflowId, String runId);

  /** Starts a child for the transfer of its parent's StartChildWorkflowExecutionInitiated. */
  CompletableFuture<String> startChild(
      String childNamespaceId, StartWorkflowExecutionRequest req, ParentRun parent);

  /** Records a child's close in its parent. */
  CompletableFuture<Void> childClosed(String parentNamespaceId, String parentWorkflowId,
      String parentRunId, long initiatedEventId, HistoryEvent event);

  /** Delivers a signal or cancel request from another workflow; false when the target is gone. */
  CompletableFuture<Boolean> external(String namespaceId, String workflowId, String runId,
      SignalExternalWorkflowExecutionInitiatedEventAttributes signal,
      RequestCancelExternalWorkflowExecutionInitiatedEventAttributes cancel, String requestId,
      WorkflowExecution source, long initiatedEventId);

  /** Applies a parent's close policy to one of its children. */
  CompletableFuture<Void> parentClose(ParentClosePolicy policy, String namespaceId,
      String workflowId, String childRunId, String requestId);

  /** Records a matched workflow (or query) task as started. */
  CompletableFuture<PollWorkflowTaskQueueResponse> startWorkflowTask(
      String namespaceId, QueueTask task, PollWorkflowTaskQueueRequest req, String requestId,
      PollCancellation cancel);

  /** Records a matched activity task as started. */
  CompletableFuture<PollActivityTaskQueueResponse> startActivityTask(
      QueueTask task, PollActivityTaskQueueRequest req, String requestId);

  /** The sticky worker of the task's queue is gone: the task moves to the normal queue. */
  void moveOffStickyQueue(QueueTask task);

  /** A backlog row whose run no longer wants it: removed. */
  void dropStale(QueueTask task);
}
