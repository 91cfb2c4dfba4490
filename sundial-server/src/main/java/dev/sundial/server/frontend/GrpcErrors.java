package dev.sundial.server.frontend;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import dev.sundial.engine.api.DeadlineExceededException;
import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.api.NamespaceNotFoundException;
import dev.sundial.engine.api.QueryFailedException;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.api.WorkflowNotReadyException;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.persistence.ConflictException;
import dev.sundial.persistence.StoreException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.temporal.api.enums.v1.ResourceExhaustedCause;
import io.temporal.api.enums.v1.ResourceExhaustedScope;
import io.temporal.api.errordetails.v1.NamespaceNotFoundFailure;
import io.temporal.api.errordetails.v1.NotFoundFailure;
import io.temporal.api.errordetails.v1.QueryFailedFailure;
import io.temporal.api.errordetails.v1.ResourceExhaustedFailure;
import io.temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure;
import io.temporal.api.errordetails.v1.WorkflowNotReadyFailure;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps engine and store failures to gRPC statuses with the Temporal failure details SDKs read. */
final class GrpcErrors {
  private static final Logger log = LoggerFactory.getLogger(GrpcErrors.class);

  private GrpcErrors() {}

  static StatusRuntimeException toStatus(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (t instanceof WorkflowAlreadyStartedException e) {
      return withDetails(
          Code.ALREADY_EXISTS, e.getMessage(),
          WorkflowExecutionAlreadyStartedFailure.newBuilder()
              .setStartRequestId(e.startRequestId())
              .setRunId(e.runId())
              .build());
    }
    if (t instanceof NamespaceNotFoundException e) {
      return withDetails(
          Code.NOT_FOUND, e.getMessage(),
          NamespaceNotFoundFailure.newBuilder().setNamespace(e.namespace()).build());
    }
    if (t instanceof QueryFailedException e) {
      var detail = QueryFailedFailure.newBuilder();
      if (e.failure() != null) detail.setFailure(e.failure());
      return withDetails(Code.INVALID_ARGUMENT, e.getMessage(), detail.build());
    }
    if (t instanceof WorkflowNotReadyException e) {
      return withDetails(
          Code.FAILED_PRECONDITION, e.getMessage(),
          WorkflowNotReadyFailure.getDefaultInstance());
    }
    if (t instanceof DeadlineExceededException e) {
      return Status.DEADLINE_EXCEEDED.withDescription(e.getMessage()).asRuntimeException();
    }
    if (t instanceof ExecutionNotFoundException e) {
      String message = e.getMessage();
      if (e.workflowId() != null && e.workflowId().startsWith(StandaloneActivityKey.PREFIX)) {
        // A standalone activity's run: named as the activity, not by its internal key.
        message = "activity execution not found: ActivityId="
            + StandaloneActivityKey.activityId(e.workflowId())
            + (e.runId() == null || e.runId().isEmpty() ? "" : ", RunId=" + e.runId());
      }
      return withDetails(Code.NOT_FOUND, message, NotFoundFailure.getDefaultInstance());
    }
    if (t instanceof EngineException e) {
      return switch (e.code()) {
        case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        case NOT_FOUND ->
            withDetails(Code.NOT_FOUND, e.getMessage(), NotFoundFailure.getDefaultInstance());
        case ALREADY_EXISTS -> Status.ALREADY_EXISTS.withDescription(e.getMessage()).asRuntimeException();
        case FAILED_PRECONDITION ->
            Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        case RESOURCE_EXHAUSTED ->
            Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
        case UNAVAILABLE -> Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        case INTERNAL -> Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
      };
    }
    if (t instanceof ConflictException) {
      // A concurrent change won the race; nothing of this request was written. Retryable.
      return Status.UNAVAILABLE
          .withDescription("concurrent update, please retry: " + t.getMessage())
          .asRuntimeException();
    }
    if (t instanceof StoreException) {
      log.warn("store failure", t);
      return Status.UNAVAILABLE
          .withDescription("persistence unavailable: " + t.getMessage())
          .asRuntimeException();
    }
    log.error("internal error", t);
    return Status.INTERNAL.withDescription(String.valueOf(t)).withCause(t).asRuntimeException();
  }

  /** RESOURCE_EXHAUSTED with the ResourceExhaustedFailure details SDKs read (and retry on). */
  static StatusRuntimeException resourceExhausted(
      ResourceExhaustedCause cause,
      ResourceExhaustedScope scope, String message) {
    return withDetails(Code.RESOURCE_EXHAUSTED, message,
        ResourceExhaustedFailure.newBuilder()
            .setCause(cause).setScope(scope).build());
  }

  static StatusRuntimeException withDetails(Code code, String message, Message details) {
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(Any.pack(details))
            .build());
  }
}
