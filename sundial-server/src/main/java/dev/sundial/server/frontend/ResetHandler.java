package dev.sundial.server.frontend;

import dev.sundial.engine.Engine;
import dev.sundial.engine.history.reset.ResetService;
import io.temporal.api.enums.v1.ResetReapplyExcludeType;
import io.temporal.api.enums.v1.ResetReapplyType;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;

/** ResetWorkflowExecution: Temporal's request checks, then the engine's reset. */
final class ResetHandler {
  private final ResetService resets;

  ResetHandler(Engine engine) {
    this.resets = engine.resets;
  }

  CompletableFuture<ResetWorkflowExecutionResponse> reset(
      String namespaceId, ResetWorkflowExecutionRequest req) {
    if (!req.hasWorkflowExecution()) {
      throw RequestValidator.invalid("Execution is not set on request.");
    }
    RequestValidator.workflowId(req.getWorkflowExecution().getWorkflowId());
    if (req.getRequestId().isEmpty()) {
      throw RequestValidator.invalid("RequestId is not set on request.");
    }
    if (req.getRequestId().length() > RequestValidator.MAX_ID_LENGTH) {
      throw RequestValidator.invalid(
          "RequestId length exceeds limit of " + RequestValidator.MAX_ID_LENGTH + ".");
    }
    if (req.getResetReapplyType() == ResetReapplyType.UNRECOGNIZED) {
      throw RequestValidator.invalid(
          "unknown reset reapply type: " + req.getResetReapplyTypeValue());
    }
    for (ResetReapplyExcludeType t : req.getResetReapplyExcludeTypesList()) {
      if (t == ResetReapplyExcludeType.UNRECOGNIZED) {
        throw RequestValidator.invalid("unknown reset reapply exclude type in ResetReapplyExcludeTypes.");
      }
    }
    if (req.getPostResetOperationsCount() > 0) {
      throw RequestValidator.invalid(
          "PostResetOperations are not supported by Sundial (it has no worker versioning).");
    }
    return resets
        .reset(namespaceId, req)
        .thenApply(runId -> ResetWorkflowExecutionResponse.newBuilder().setRunId(runId).build());
  }
}
