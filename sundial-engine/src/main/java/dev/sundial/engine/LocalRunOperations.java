package dev.sundial.engine;

import dev.sundial.engine.api.ParentRun;
import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.cluster.RunOperations;
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
 * A run's steps on this node's shard. {@code Engine.run} hands it out when this node serves the
 * run; {@code InternalCalls} uses it for steps other nodes send here. Each step fails with
 * UNAVAILABLE when the shard is not (or no longer) served here.
 */
final class LocalRunOperations implements RunOperations {
  private final Engine engine;

  LocalRunOperations(Engine engine) {
    this.engine = engine;
  }

  @Override
  public CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return engine.workflows.startHere(namespaceId, req);
  }

  @Override
  public CompletableFuture<StartActivityExecutionResponse> startActivity(
      String namespaceId, StartActivityExecutionRequest req) {
    return engine.workflows.startActivityHere(namespaceId, req);
  }

  @Override
  public CompletableFuture<Void> terminate(String namespaceId, String workflowId, String runId,
      String firstExecutionRunId, String reason, Payloads details, String identity) {
    return engine.workflows.terminateHere(namespaceId, workflowId, runId, firstExecutionRunId,
        reason, details, identity);
  }

  @Override
  public CompletableFuture<Void> signal(String namespaceId, SignalWorkflowExecutionRequest req) {
    return engine.workflows.signalHere(namespaceId, req);
  }

  @Override
  public CompletableFuture<Void> requestCancel(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    return engine.workflows.requestCancelHere(namespaceId, req);
  }

  @Override
  public CompletableFuture<Void> delete(String namespaceId, String workflowId, String runId) {
    return engine.workflows.deleteHere(namespaceId, workflowId, runId);
  }

  @Override
  public CompletableFuture<String> startChild(
      String childNamespaceId, StartWorkflowExecutionRequest req, ParentRun parent) {
    return engine.transfers.startChildTarget(childNamespaceId, req, parent);
  }

  @Override
  public CompletableFuture<Void> childClosed(String parentNamespaceId, String parentWorkflowId,
      String parentRunId, long initiatedEventId, HistoryEvent event) {
    return engine.transfers.childClosedTarget(
        parentNamespaceId, parentWorkflowId, parentRunId, initiatedEventId, event);
  }

  @Override
  public CompletableFuture<Boolean> external(String namespaceId, String workflowId, String runId,
      SignalExternalWorkflowExecutionInitiatedEventAttributes signal,
      RequestCancelExternalWorkflowExecutionInitiatedEventAttributes cancel, String requestId,
      WorkflowExecution source, long initiatedEventId) {
    return engine.transfers.externalTarget(
        namespaceId, workflowId, runId, signal, cancel, requestId, source, initiatedEventId);
  }

  @Override
  public CompletableFuture<Void> parentClose(ParentClosePolicy policy, String namespaceId,
      String workflowId, String childRunId, String requestId) {
    return engine.transfers.parentCloseTarget(policy, namespaceId, workflowId, childRunId, requestId);
  }

  @Override
  public CompletableFuture<PollWorkflowTaskQueueResponse> startWorkflowTask(
      String namespaceId, QueueTask task, PollWorkflowTaskQueueRequest req, String requestId,
      PollCancellation cancel) {
    return engine.workflowTasks.startWorkflowTask(namespaceId, task, req, requestId, cancel);
  }

  @Override
  public CompletableFuture<PollActivityTaskQueueResponse> startActivityTask(
      QueueTask task, PollActivityTaskQueueRequest req, String requestId) {
    return engine.activityTasks.startActivityTask(task, req, requestId);
  }

  @Override
  public void moveOffStickyQueue(QueueTask task) {
    engine.moveOffStickyQueueHere(task);
  }

  @Override
  public void dropStale(QueueTask task) {
    engine.poller.dropStaleHere(task);
  }
}
