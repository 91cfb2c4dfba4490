package dev.sundial.engine;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.history.workflow.CancelRequests;
import dev.sundial.engine.history.workflow.Signals;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.CurrentExecution;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
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
    return engine.run(namespaceId, req.getWorkflowId()).start(namespaceId, req);
  }

  /** The start step on this node's shard (see RunOperations). */
  CompletableFuture<StartWorkflowExecutionResponse> startHere(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return engine
        .shardFor(namespaceId, req.getWorkflowId())
        .execute(txn -> {
          StartWorkflow.Result r = StartWorkflow.start(txn, namespaceId, req);
          // Only a run this request created gets an eager task (not an existing run it joined).
          var eager = req.getRequestEagerExecution() && r.started()
              ? engine.tasks.startFirstTaskEagerly(
                  txn, namespaceId, req.getWorkflowId(), r.runId(), req.getIdentity())
              : null;
          return new Started(r, eager);
        })
        .thenCompose(started -> {
          var response = StartWorkflowExecutionResponse.newBuilder()
              .setRunId(started.result().runId())
              .setStarted(started.result().started());
          if (started.eagerTask() == null) {
            return CompletableFuture.completedFuture(response.build());
          }
          // The task's history is read back off the commit thread.
          return CompletableFuture.supplyAsync(started::eagerTask, engine.ioPool)
              .thenCompose(task -> engine.tasks.withHistory(namespaceId, task))
              .thenApply(task -> response.setEagerWorkflowTask(task).build());
        });
  }

  private record Started(
      StartWorkflow.Result result,
      PollWorkflowTaskQueueResponse.Builder eagerTask) {}

  public CompletableFuture<Void> terminate(
      String namespaceId, String workflowId, String runId, String reason, Payloads details,
      String identity) {
    return engine.run(namespaceId, workflowId)
        .terminate(namespaceId, workflowId, runId, reason, details, identity);
  }

  /** The terminate step on this node's shard (see RunOperations). */
  CompletableFuture<Void> terminateHere(
      String namespaceId, String workflowId, String runId, String reason, Payloads details,
      String identity) {
    return engine
        .shardFor(namespaceId, workflowId)
        .execute(
            txn -> {
              MutableState s = txn.resolve(namespaceId, workflowId, runId);
              if (!s.isRunning()) {
                throw new EngineException(
                    EngineException.Code.NOT_FOUND,
                    "workflow execution already completed");
              }
              WorkflowClose.terminate(txn, s, reason, details, identity);
              return null;
            });
  }

  public CompletableFuture<Void> signal(
      String namespaceId, SignalWorkflowExecutionRequest req) {
    return engine.run(namespaceId, req.getWorkflowExecution().getWorkflowId())
        .signal(namespaceId, req);
  }

  /** The signal step on this node's shard (see RunOperations). */
  CompletableFuture<Void> signalHere(
      String namespaceId, SignalWorkflowExecutionRequest req) {
    var ex = req.getWorkflowExecution();
    return engine
        .shardFor(namespaceId, ex.getWorkflowId())
        .execute(
            txn -> {
              MutableState s = txn.resolve(namespaceId, ex.getWorkflowId(), ex.getRunId());
              Signals.signal(
                  txn, s, req.getSignalName(), req.hasInput() ? req.getInput() : null,
                  req.hasHeader() ? req.getHeader() : null, req.getIdentity(), req.getRequestId(),
                  null);
              return null;
            });
  }

  public CompletableFuture<Void> requestCancel(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    return engine.run(namespaceId, req.getWorkflowExecution().getWorkflowId())
        .requestCancel(namespaceId, req);
  }

  /** The requestCancel step on this node's shard (see RunOperations). */
  CompletableFuture<Void> requestCancelHere(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    var ex = req.getWorkflowExecution();
    return engine
        .shardFor(namespaceId, ex.getWorkflowId())
        .execute(
            txn -> {
              MutableState s = txn.resolve(namespaceId, ex.getWorkflowId(), ex.getRunId());
              if (!req.getFirstExecutionRunId().isEmpty()
                  && !req.getFirstExecutionRunId().equals(s.firstExecutionRunId)) {
                throw new ExecutionNotFoundException(
                    ex.getWorkflowId(), ex.getRunId());
              }
              CancelRequests.request(
                  txn, s, req.getRequestId(), req.getIdentity(), req.getReason(), null, 0);
              return null;
            });
  }

  /**
   * SignalWithStart: signals the running workflow, or starts one (per the id policies) whose
   * history opens with the signal.
   */
  public CompletableFuture<SignalWithStartWorkflowExecutionResponse>
      signalWithStart(
          String namespaceId, SignalWithStartWorkflowExecutionRequest req) {
    return engine
        .shardFor(namespaceId, req.getWorkflowId())
        .execute(
            txn -> {
              CurrentExecution c = txn.current(namespaceId, req.getWorkflowId());
              var conflict = req.getWorkflowIdConflictPolicy();
              boolean terminate =
                  conflict == WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING
                      || req.getWorkflowIdReusePolicy()
                          == WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING;
              if (c != null && c.running() && !terminate) {
                // (Conflict policy FAIL is rejected by the frontend, as Temporal does.)
                MutableState s = txn.load(namespaceId, req.getWorkflowId(), c.runId());
                Signals.signal(
                    txn, s, req.getSignalName(), req.hasSignalInput() ? req.getSignalInput() : null,
                    req.hasHeader() ? req.getHeader() : null, req.getIdentity(), req.getRequestId(), null);
                if (!s.workflowTask.isScheduled() && s.lastCompletedStartedEventId == 0) {
                  // Another signal-with-start ends a start delay early (a plain signal does not).
                  WorkflowTasks.schedule(txn, s, 1);
                }
                return SignalWithStartWorkflowExecutionResponse.newBuilder()
                    .setRunId(c.runId()).setStarted(false).build();
              }
              var start =
                  StartWorkflow.startRequestOf(req)
                      .setWorkflowIdConflictPolicy(
                          terminate
                              ? WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING
                              : WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL);
              var r = StartWorkflow.start(txn, namespaceId, start.build(), null,
                  s -> Signals.signal(
                      txn, s, req.getSignalName(), req.hasSignalInput() ? req.getSignalInput() : null,
                      req.hasHeader() ? req.getHeader() : null, req.getIdentity(), req.getRequestId(), null));
              return SignalWithStartWorkflowExecutionResponse.newBuilder()
                  .setRunId(r.runId()).setStarted(r.started()).build();
            });
  }

  /** DeleteWorkflowExecution: terminates a running run, then removes it everywhere. */
  public CompletableFuture<Void> delete(String namespaceId, String workflowId, String runId) {
    return engine.run(namespaceId, workflowId).delete(namespaceId, workflowId, runId);
  }

  /** The delete step on this node's shard (see RunOperations). */
  CompletableFuture<Void> deleteHere(String namespaceId, String workflowId, String runId) {
    var shard = engine.shardFor(namespaceId, workflowId);
    return shard
        .execute(
            txn -> {
              MutableState s = txn.resolve(namespaceId, workflowId, runId);
              if (s.isRunning()) {
                WorkflowClose.terminate(txn, s, "Delete workflow execution", null, "");
              }
              return s.runId;
            })
        .thenCompose(
            id ->
                shard.execute(
                    txn -> {
                      engine.store.deleteExecution(namespaceId, workflowId, id);
                      engine.recentEvents.forget(namespaceId, id);
                      txn.forget(namespaceId, workflowId, id);
                      return null;
                    }));
  }
}
