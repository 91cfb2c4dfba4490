package dev.sundial.engine;

import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.history.MutableState;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.persistence.CurrentExecution;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;

/** Workflow-level operations: start, terminate. */
public final class WorkflowOps {
  private final Engine engine;

  WorkflowOps(Engine engine) {
    this.engine = engine;
  }

  public CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return engine
        .shardFor(namespaceId, req.getWorkflowId())
        .execute(txn -> StartWorkflow.start(txn, namespaceId, req))
        .thenApply(
            r ->
                StartWorkflowExecutionResponse.newBuilder()
                    .setRunId(r.runId())
                    .setStarted(r.started())
                    .build());
  }

  public CompletableFuture<Void> terminate(
      String namespaceId, String workflowId, String runId, String reason, Payloads details,
      String identity) {
    return engine
        .shardFor(namespaceId, workflowId)
        .execute(
            txn -> {
              MutableState s = resolve(txn, namespaceId, workflowId, runId);
              if (!s.isRunning()) {
                throw new dev.sundial.engine.api.EngineException(
                    dev.sundial.engine.api.EngineException.Code.NOT_FOUND,
                    "workflow execution already completed");
              }
              WorkflowClose.terminate(txn, s, reason, details, identity);
              return null;
            });
  }

  public CompletableFuture<Void> signal(
      String namespaceId, io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest req) {
    var ex = req.getWorkflowExecution();
    return engine
        .shardFor(namespaceId, ex.getWorkflowId())
        .execute(
            txn -> {
              MutableState s = resolve(txn, namespaceId, ex.getWorkflowId(), ex.getRunId());
              dev.sundial.engine.history.workflow.Signals.signal(
                  txn, s, req.getSignalName(), req.hasInput() ? req.getInput() : null,
                  req.hasHeader() ? req.getHeader() : null, req.getIdentity(), req.getRequestId(),
                  engine.ctx.limits.maxPendingActivities());
              return null;
            });
  }

  /** The named run, or the current run when runId is empty; NOT_FOUND otherwise. */
  static MutableState resolve(
      dev.sundial.engine.shard.ShardTxn txn, String namespaceId, String workflowId, String runId) {
    String id = runId;
    if (id == null || id.isEmpty()) {
      CurrentExecution c = txn.current(namespaceId, workflowId);
      if (c == null) {
        throw new ExecutionNotFoundException(workflowId, runId);
      }
      id = c.runId();
    }
    MutableState s = txn.load(namespaceId, workflowId, id);
    if (s == null) {
      throw new ExecutionNotFoundException(workflowId, runId);
    }
    return s;
  }
}
