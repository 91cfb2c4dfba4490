package dev.sundial.server.frontend;

import dev.sundial.engine.Engine;
import dev.sundial.engine.batch.BatchService;
import dev.sundial.engine.namespace.NamespaceRegistry;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationRequest;
import io.temporal.api.workflowservice.v1.DescribeBatchOperationResponse;
import io.temporal.api.workflowservice.v1.ListBatchOperationsRequest;
import io.temporal.api.workflowservice.v1.ListBatchOperationsResponse;
import io.temporal.api.workflowservice.v1.StartBatchOperationRequest;
import io.temporal.api.workflowservice.v1.StartBatchOperationResponse;
import io.temporal.api.workflowservice.v1.StopBatchOperationRequest;
import io.temporal.api.workflowservice.v1.StopBatchOperationResponse;

/** The batch operation RPCs: request checks (Temporal's messages) here, jobs in BatchService. */
final class BatchHandler {
  private final Engine engine;
  private final BatchService batches;
  private final NamespaceRegistry namespaces;
  private final RequestValidator validate;

  BatchHandler(Engine engine, RequestValidator validate) {
    this.engine = engine;
    this.batches = engine.batches;
    this.namespaces = engine.namespaces();
    this.validate = validate;
  }

  private String namespaceId(String namespace) {
    validate.namespace(namespace);
    return namespaces.byName(namespace).id();
  }

  private static void jobId(String jobId) {
    if (jobId.isEmpty()) {
      throw RequestValidator.invalid("JobId is not set on request.");
    }
    if (jobId.length() > RequestValidator.MAX_ID_LENGTH) {
      throw RequestValidator.invalid(
          "JobId length exceeds limit of " + RequestValidator.MAX_ID_LENGTH + ".");
    }
  }

  StartBatchOperationResponse start(StartBatchOperationRequest req) {
    int selectors = (req.getVisibilityQuery().isEmpty() ? 0 : 1) + (req.getExecutionsCount() > 0 ? 1 : 0);
    if (req.getOperationCase() == StartBatchOperationRequest.OperationCase.OPERATION_NOT_SET
        || req.getReason().isEmpty() || req.getNamespace().isEmpty() || selectors == 0) {
      // Temporal's combined message first, then the field-by-field ones below.
      throw RequestValidator.invalid(
          "must provide required parameters: BatchType,Reason,Namespace, AND one of (Query OR Executions)"
              + missing(req, selectors));
    }
    jobId(req.getJobId());
    if (selectors > 1) {
      throw RequestValidator.invalid("visibility query and executions are mutually exclusive");
    }
    for (var e : req.getExecutionsList()) {
      if (e.getWorkflowId().isEmpty()) {
        throw RequestValidator.invalid("Executions: WorkflowId is not set on an execution.");
      }
    }
    switch (req.getOperationCase()) {
      case TERMINATION_OPERATION, CANCELLATION_OPERATION, DELETION_OPERATION -> {}
      case SIGNAL_OPERATION -> {
        if (req.getSignalOperation().getSignal().isEmpty()) {
          throw RequestValidator.invalid("must provide signal name");
        }
      }
      case RESET_OPERATION ->
          throw RequestValidator.invalid(
              "Batch reset operation is not supported yet: ResetWorkflowExecution is not"
                  + " implemented.");
      default ->
          throw RequestValidator.invalid(
              "The operation type " + req.getOperationCase() + " is not supported");
    }
    if (Float.isNaN(req.getMaxOperationsPerSecond()) || req.getMaxOperationsPerSecond() < 0) {
      throw RequestValidator.invalid("MaxOperationsPerSecond must not be negative.");
    }
    String nsId = namespaceId(req.getNamespace());
    if (!req.getVisibilityQuery().isEmpty()) {
      // A malformed query is rejected now rather than failing the job later.
      engine.visibility.list(nsId, req.getVisibilityQuery(), 1, null);
    }
    batches.start(nsId, req);
    return StartBatchOperationResponse.getDefaultInstance();
  }

  /** Which of the required fields are missing, named, to make the combined message precise. */
  private static String missing(StartBatchOperationRequest req, int selectors) {
    StringBuilder b = new StringBuilder();
    if (req.getOperationCase() == StartBatchOperationRequest.OperationCase.OPERATION_NOT_SET) {
      b.append(" Operation is not set on request.");
    }
    if (req.getReason().isEmpty()) {
      b.append(" Reason is not set on request.");
    }
    if (req.getNamespace().isEmpty()) {
      b.append(" Namespace is not set on request.");
    }
    if (selectors == 0) {
      b.append(" VisibilityQuery or Executions must be set on request.");
    }
    return b.length() == 0 ? "" : "." + b;
  }

  StopBatchOperationResponse stop(StopBatchOperationRequest req) {
    jobId(req.getJobId());
    validate.namespace(req.getNamespace());
    if (req.getReason().isEmpty()) {
      throw RequestValidator.invalid("Reason is not set on request.");
    }
    batches.stop(namespaceId(req.getNamespace()), req.getJobId());
    return StopBatchOperationResponse.getDefaultInstance();
  }

  DescribeBatchOperationResponse describe(DescribeBatchOperationRequest req) {
    jobId(req.getJobId());
    return batches.describe(namespaceId(req.getNamespace()), req.getJobId());
  }

  ListBatchOperationsResponse list(ListBatchOperationsRequest req) {
    return batches.list(namespaceId(req.getNamespace()), req.getPageSize(), req.getNextPageToken());
  }
}
