package dev.sundial.server.frontend;

import com.google.protobuf.Any;
import dev.sundial.engine.Engine;
import dev.sundial.engine.history.update.UpdateService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage;
import io.temporal.api.errordetails.v1.MultiOperationExecutionFailure;
import io.temporal.api.failure.v1.MultiOperationExecutionAborted;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationRequest;
import io.temporal.api.workflowservice.v1.ExecuteMultiOperationResponse;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Workflow update requests: UpdateWorkflowExecution, PollWorkflowExecutionUpdate and
 * ExecuteMultiOperation (update-with-start). Checks and defaults follow Temporal's frontend.
 */
final class UpdateHandler {
  private final Engine engine;
  private final RequestValidator validate;

  UpdateHandler(Engine engine, RequestValidator validate) {
    this.engine = engine;
    this.validate = validate;
  }

  CompletableFuture<UpdateWorkflowExecutionResponse> update(
      String namespaceId, UpdateWorkflowExecutionRequest req, long budgetMillis) {
    return engine.updates.update(namespaceId, prepare(req), budgetMillis);
  }

  CompletableFuture<PollWorkflowExecutionUpdateResponse> poll(
      String namespaceId, PollWorkflowExecutionUpdateRequest req, long budgetMillis) {
    if (!req.hasUpdateRef()) {
      throw RequestValidator.invalid("UpdateRef is not set on request.");
    }
    execution(req.getUpdateRef().getWorkflowExecution());
    return engine.updates.poll(namespaceId, req, budgetMillis);
  }

  /** Validates an update request and fills in its defaults (update id, wait stage). */
  private UpdateWorkflowExecutionRequest prepare(UpdateWorkflowExecutionRequest req) {
    if (!req.hasWorkflowExecution()) {
      throw RequestValidator.invalid("Execution is not set on request.");
    }
    execution(req.getWorkflowExecution());
    var request = req.getRequest();
    if (!request.hasMeta()) {
      throw RequestValidator.invalid("Update meta is not set on request.");
    }
    if (request.getMeta().getUpdateId().length() > RequestValidator.MAX_ID_LENGTH) {
      throw RequestValidator.invalid("UpdateId length exceeds limit.");
    }
    if (!request.hasInput()) {
      throw RequestValidator.invalid("Update input is not set on request.");
    }
    if (request.getInput().getName().isEmpty()) {
      throw RequestValidator.invalid("Update name is not set on request.");
    }
    validate.payload(request.getInput().getArgs(), "Input");
    int limit = engine.context().limits.maxPayloadBytes();
    if (request.getInput().getHeader().getSerializedSize() > limit) {
      throw RequestValidator.invalid("Header size exceeds the limit of " + limit + " bytes.");
    }
    UpdateWorkflowExecutionLifecycleStage stage = req.getWaitPolicy().getLifecycleStage();
    if (stage == UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED) {
      // As Temporal: nothing durable exists at ADMITTED, so it cannot be waited for alone.
      throw Status.PERMISSION_DENIED
          .withDescription(
              "UpdateWorkflowExecution issued asynchronously and waiting on update admitted is not"
                  + " supported.")
          .asRuntimeException();
    }
    UpdateWorkflowExecutionRequest.Builder b = req.toBuilder();
    if (stage != UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED) {
      b.getWaitPolicyBuilder()
          .setLifecycleStage(
              UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED);
    }
    if (request.getMeta().getUpdateId().isEmpty()) {
      b.getRequestBuilder().getMetaBuilder().setUpdateId(UUID.randomUUID().toString());
    }
    return b.build();
  }

  private static void execution(WorkflowExecution ex) {
    RequestValidator.workflowId(ex.getWorkflowId());
    if (!ex.getRunId().isEmpty()) {
      try {
        UUID.fromString(ex.getRunId());
      } catch (IllegalArgumentException e) {
        throw RequestValidator.invalid("Invalid RunId.");
      }
    }
  }

  // ------------------------------------------------------------------ update-with-start

  CompletableFuture<ExecuteMultiOperationResponse> multiOperation(
      String namespaceId, ExecuteMultiOperationRequest req, long budgetMillis) {
    // As Temporal (for now): exactly [Start, Update].
    if (req.getOperationsCount() != 2
        || !req.getOperations(0).hasStartWorkflow()
        || !req.getOperations(1).hasUpdateWorkflow()) {
      throw RequestValidator.invalid("Operations have to be exactly [Start, Update].");
    }
    Throwable[] errors = new Throwable[2];
    StartWorkflowExecutionRequest start = null;
    UpdateWorkflowExecutionRequest update = null;
    try {
      start = prepareStart(req.getNamespace(), req.getOperations(0).getStartWorkflow());
    } catch (RuntimeException e) {
      errors[0] = e;
    }
    try {
      update = prepareUpdate(req.getNamespace(), req.getOperations(1).getUpdateWorkflow());
      if (start != null
          && !start.getWorkflowId().equals(update.getWorkflowExecution().getWorkflowId())) {
        throw RequestValidator.invalid("WorkflowId is not consistent with previous operation(s).");
      }
    } catch (RuntimeException e) {
      errors[1] = e;
    }
    if (errors[0] != null || errors[1] != null) {
      for (int i = 0; i < errors.length; i++) {
        if (errors[i] == null) errors[i] = UpdateService.MultiOperationException.ABORTED;
      }
      throw multiOperationStatus(errors);
    }
    return engine.updates
        .updateWithStart(namespaceId, start, update, budgetMillis)
        .thenApply(
            r ->
                ExecuteMultiOperationResponse.newBuilder()
                    .addResponses(
                        ExecuteMultiOperationResponse.Response.newBuilder()
                            .setStartWorkflow(r.start()))
                    .addResponses(
                        ExecuteMultiOperationResponse.Response.newBuilder()
                            .setUpdateWorkflow(r.update()))
                    .build())
        .exceptionallyCompose(
            e -> {
              Throwable cause = e;
              while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
              }
              if (cause instanceof UpdateService.MultiOperationException m) {
                cause = multiOperationStatus(m.errors());
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private StartWorkflowExecutionRequest prepareStart(String namespace, StartWorkflowExecutionRequest r) {
    if (!r.getNamespace().isEmpty() && !r.getNamespace().equals(namespace)) {
      throw RequestValidator.invalid("Operation namespace did not match request's namespace.");
    }
    validate.start(r);
    if (!r.getCronSchedule().isEmpty()) {
      throw RequestValidator.invalid("CronSchedule is not allowed.");
    }
    if (r.getRequestEagerExecution()) {
      throw RequestValidator.invalid("RequestEagerExecution is not supported.");
    }
    if (r.getWorkflowStartDelay().getSeconds() > 0 || r.getWorkflowStartDelay().getNanos() > 0) {
      throw RequestValidator.invalid("WorkflowStartDelay is not supported.");
    }
    StartWorkflowExecutionRequest.Builder b = r.toBuilder().setNamespace(namespace);
    if (r.hasSearchAttributes()) {
      b.setSearchAttributes(
          engine.visibility.validate(
              engine.namespaces().byName(namespace).id(), namespace, r.getSearchAttributes()));
    }
    if (r.getRequestId().isEmpty()) {
      b.setRequestId(UUID.randomUUID().toString());
    }
    return b.build();
  }

  private UpdateWorkflowExecutionRequest prepareUpdate(
      String namespace, UpdateWorkflowExecutionRequest r) {
    if (!r.getNamespace().isEmpty() && !r.getNamespace().equals(namespace)) {
      throw RequestValidator.invalid("Operation namespace did not match request's namespace.");
    }
    UpdateWorkflowExecutionRequest prepared = prepare(r);
    if (!prepared.getFirstExecutionRunId().isEmpty()) {
      throw RequestValidator.invalid("FirstExecutionRunId is not allowed.");
    }
    if (!prepared.getWorkflowExecution().getRunId().isEmpty()) {
      throw RequestValidator.invalid("RunId is not allowed.");
    }
    return prepared;
  }

  /**
   * Temporal's MultiOperationExecution error: one status per operation (the one not carried out
   * is ABORTED with a MultiOperationExecutionAborted detail); the first real failure's code is the
   * code of the whole call.
   */
  static StatusRuntimeException multiOperationStatus(Throwable[] errors) {
    MultiOperationExecutionFailure.Builder failure = MultiOperationExecutionFailure.newBuilder();
    Integer code = null;
    for (Throwable e : errors) {
      MultiOperationExecutionFailure.OperationStatus.Builder op =
          MultiOperationExecutionFailure.OperationStatus.newBuilder();
      if (e == null) {
        op.setCode(Status.Code.OK.value());
      } else if (e == UpdateService.MultiOperationException.ABORTED) {
        op.setCode(Status.Code.ABORTED.value())
            .setMessage("Operation was aborted.")
            .addDetails(Any.pack(MultiOperationExecutionAborted.getDefaultInstance()));
      } else {
        StatusRuntimeException sre = GrpcErrors.toStatus(e);
        com.google.rpc.Status st = StatusProto.fromThrowable(sre);
        if (st != null) {
          op.setCode(st.getCode()).setMessage(st.getMessage()).addAllDetails(st.getDetailsList());
        } else {
          op.setCode(sre.getStatus().getCode().value())
              .setMessage(String.valueOf(sre.getStatus().getDescription()));
        }
        if (code == null) code = op.getCode();
      }
      failure.addStatuses(op);
    }
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code != null ? code : Status.Code.ABORTED.value())
            .setMessage("Update-with-Start could not be executed.")
            .addDetails(Any.pack(failure.build()))
            .build());
  }
}
