package dev.sundial.server.frontend;

import dev.sundial.engine.Engine;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DeleteWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseResponse;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The RPCs about one workflow execution that clients call: start, signal, signal-with-start,
 * cancel, terminate, delete, describe, history and query. Each checks its request (errors name the
 * field, as Temporal's do) and calls the engine; {@code namespaceId} is already resolved.
 */
final class WorkflowHandler {
  private final Engine engine;
  private final RequestValidator validate;

  WorkflowHandler(Engine engine, RequestValidator validate) {
    this.engine = engine;
    this.validate = validate;
  }

  CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req) {
    validate.start(req);
    StartWorkflowExecutionRequest.Builder r = req.toBuilder();
    if (r.getRequestId().isEmpty()) {
      r.setRequestId(UUID.randomUUID().toString());
    }
    if (r.hasSearchAttributes()) {
      r.setSearchAttributes(
          engine.visibility.validate(namespaceId, r.getNamespace(), r.getSearchAttributes()));
    }
    return engine.workflows.start(namespaceId, r.build());
  }

  CompletableFuture<TerminateWorkflowExecutionResponse> terminate(
      String namespaceId, TerminateWorkflowExecutionRequest req) {
    RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
    return engine.workflows
        .terminate(
            namespaceId, req.getWorkflowExecution().getWorkflowId(),
            req.getWorkflowExecution().getRunId(), req.getFirstExecutionRunId(), req.getReason(),
            req.hasDetails() ? req.getDetails() : null, req.getIdentity())
        .thenApply(v -> TerminateWorkflowExecutionResponse.getDefaultInstance());
  }

  CompletableFuture<SignalWorkflowExecutionResponse> signal(
      String namespaceId, SignalWorkflowExecutionRequest req) {
    RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
    if (req.getSignalName().isEmpty()) {
      throw RequestValidator.invalid("SignalName is not set on request.");
    }
    validate.payload(req.getInput(), "Input");
    return engine.workflows
        .signal(namespaceId, req)
        .thenApply(v -> SignalWorkflowExecutionResponse.getDefaultInstance());
  }

  CompletableFuture<RequestCancelWorkflowExecutionResponse> requestCancel(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
    return engine.workflows
        .requestCancel(namespaceId, req)
        .thenApply(v -> RequestCancelWorkflowExecutionResponse.getDefaultInstance());
  }

  CompletableFuture<SignalWithStartWorkflowExecutionResponse> signalWithStart(
      String namespaceId, SignalWithStartWorkflowExecutionRequest req) {
    validate.signalWithStart(req);
    SignalWithStartWorkflowExecutionRequest.Builder r = req.toBuilder();
    if (r.getRequestId().isEmpty()) {
      r.setRequestId(UUID.randomUUID().toString());
    }
    if (r.hasSearchAttributes()) {
      r.setSearchAttributes(
          engine.visibility.validate(namespaceId, r.getNamespace(), r.getSearchAttributes()));
    }
    return engine.workflows.signalWithStart(namespaceId, r.build());
  }

  CompletableFuture<DeleteWorkflowExecutionResponse> delete(
      String namespaceId, DeleteWorkflowExecutionRequest req) {
    RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
    return engine.workflows
        .delete(namespaceId, req.getWorkflowExecution().getWorkflowId(),
            req.getWorkflowExecution().getRunId())
        .thenApply(v -> DeleteWorkflowExecutionResponse.getDefaultInstance());
  }

  DescribeWorkflowExecutionResponse describe(
      String namespaceId, DescribeWorkflowExecutionRequest req) {
    RequestValidator.workflowId(req.getExecution().getWorkflowId());
    return engine.history.describe(
        namespaceId, req.getExecution().getWorkflowId(), req.getExecution().getRunId());
  }

  CompletableFuture<GetWorkflowExecutionHistoryResponse> history(
      String namespaceId, GetWorkflowExecutionHistoryRequest req, long longPollMillis) {
    RequestValidator.workflowId(req.getExecution().getWorkflowId());
    return engine.history.getHistory(namespaceId, req, longPollMillis);
  }

  GetWorkflowExecutionHistoryReverseResponse historyReverse(
      String namespaceId, GetWorkflowExecutionHistoryReverseRequest req) {
    RequestValidator.workflowId(req.getExecution().getWorkflowId());
    return engine.history.getHistoryReverse(namespaceId, req);
  }

  CompletableFuture<QueryWorkflowResponse> query(
      String namespaceId, QueryWorkflowRequest req, long budgetMillis) {
    validate.query(req);
    return engine.queries.query(namespaceId, req, budgetMillis);
  }
}
