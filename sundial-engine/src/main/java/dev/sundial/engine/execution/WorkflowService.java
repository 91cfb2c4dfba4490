package dev.sundial.engine.execution;

import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.history.RecentEvents;
import dev.sundial.engine.history.workflow.CancelRequests;
import dev.sundial.engine.history.workflow.Signals;
import dev.sundial.engine.history.workflow.StandaloneActivities;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.StandaloneActivityKey;
import dev.sundial.engine.worker.WorkflowTaskService;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.ExecutionStore;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.workflowservice.v1.PollWorkflowTaskQueueResponse;
import io.temporal.api.workflowservice.v1.RequestCancelWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.SignalWithStartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.SignalWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionRequest;
import io.temporal.api.workflowservice.v1.StartActivityExecutionResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;

/**
 * The operations a client does on a workflow execution: start (with eager start), signal,
 * signal-with-start, cancel request, terminate and delete. Each goes to the node that serves the
 * run ({@link RunRouter}); the {@code *Here} steps are what runs on that node's shard.
 */
public final class WorkflowService {
  private final BiFunction<String, String, Shard> shardFor;
  private final RunRouter router;
  private final WorkflowTaskService workflowTasks;
  private final ExecutionStore store;
  private final RecentEvents recentEvents;
  private final ExecutorService ioPool;

  /**
   * Built from the run's shard, where a run's steps execute (this node or its owner), the workflow
   * task service (eager start), and what deleting a run clears: its rows and its cached events.
   */
  public WorkflowService(
      BiFunction<String, String, Shard> shardFor, RunRouter router,
      WorkflowTaskService workflowTasks, ExecutionStore store, RecentEvents recentEvents,
      ExecutorService ioPool) {
    this.shardFor = shardFor;
    this.router = router;
    this.workflowTasks = workflowTasks;
    this.store = store;
    this.recentEvents = recentEvents;
    this.ioPool = ioPool;
  }

  public CompletableFuture<StartWorkflowExecutionResponse> start(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return router.run(namespaceId, req.getWorkflowId()).start(namespaceId, req);
  }

  /** The start step on this node's shard (see RunOperations). */
  public CompletableFuture<StartWorkflowExecutionResponse> startHere(
      String namespaceId, StartWorkflowExecutionRequest req) {
    return shardFor
        .apply(namespaceId, req.getWorkflowId())
        .execute(txn -> {
          StartWorkflow.Result r = StartWorkflow.start(txn, namespaceId, req);
          // Only a run this request created gets an eager task (not an existing run it joined).
          var eager = req.getRequestEagerExecution() && r.started()
              ? workflowTasks.startFirstTaskEagerly(
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
          return CompletableFuture.supplyAsync(started::eagerTask, ioPool)
              .thenCompose(task -> workflowTasks.withHistory(namespaceId, task))
              .thenApply(task -> response.setEagerWorkflowTask(task).build());
        });
  }

  /** StartActivityExecution: a standalone activity, on the node that serves its run. */
  public CompletableFuture<StartActivityExecutionResponse> startActivity(
      String namespaceId, StartActivityExecutionRequest req) {
    return router.run(namespaceId, StandaloneActivityKey.of(req.getActivityId()))
        .startActivity(namespaceId, req);
  }

  /** The standalone activity's start step on this node's shard (see RunOperations). */
  public CompletableFuture<StartActivityExecutionResponse> startActivityHere(
      String namespaceId, StartActivityExecutionRequest req) {
    return shardFor
        .apply(namespaceId, StandaloneActivityKey.of(req.getActivityId()))
        .execute(txn -> StandaloneActivities.start(txn, namespaceId, req))
        .thenApply(r -> StartActivityExecutionResponse.newBuilder()
            .setRunId(r.runId())
            .setStarted(r.started())
            .build());
  }

  private record Started(
      StartWorkflow.Result result,
      PollWorkflowTaskQueueResponse.Builder eagerTask) {}

  public CompletableFuture<Void> terminate(
      String namespaceId, String workflowId, String runId, String firstExecutionRunId,
      String reason, Payloads details, String identity) {
    return router.run(namespaceId, workflowId).terminate(
        namespaceId, workflowId, runId, firstExecutionRunId, reason, details, identity);
  }

  /** The terminate step on this node's shard (see RunOperations). */
  public CompletableFuture<Void> terminateHere(
      String namespaceId, String workflowId, String runId, String firstExecutionRunId,
      String reason, Payloads details, String identity) {
    return shardFor
        .apply(namespaceId, workflowId)
        .execute(
            txn -> {
              MutableState s = txn.resolveRunning(
                  namespaceId, workflowId, firstExecutionRunId.isEmpty() ? runId : "");
              if (!firstExecutionRunId.isEmpty()
                  && !firstExecutionRunId.equals(s.firstExecutionRunId)) {
                throw new ExecutionNotFoundException(workflowId, runId);
              }
              WorkflowClose.terminate(txn, s, reason, details, identity);
              return null;
            });
  }

  public CompletableFuture<Void> signal(
      String namespaceId, SignalWorkflowExecutionRequest req) {
    return router.run(namespaceId, req.getWorkflowExecution().getWorkflowId())
        .signal(namespaceId, req);
  }

  /** The signal step on this node's shard (see RunOperations). */
  public CompletableFuture<Void> signalHere(
      String namespaceId, SignalWorkflowExecutionRequest req) {
    var ex = req.getWorkflowExecution();
    return shardFor
        .apply(namespaceId, ex.getWorkflowId())
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
    return router.run(namespaceId, req.getWorkflowExecution().getWorkflowId())
        .requestCancel(namespaceId, req);
  }

  /** The requestCancel step on this node's shard (see RunOperations). */
  public CompletableFuture<Void> requestCancelHere(
      String namespaceId, RequestCancelWorkflowExecutionRequest req) {
    var ex = req.getWorkflowExecution();
    return shardFor
        .apply(namespaceId, ex.getWorkflowId())
        .execute(
            txn -> {
              // With a first-execution run id, the current run of the chain it started (Temporal).
              MutableState s = txn.resolve(namespaceId, ex.getWorkflowId(),
                  req.getFirstExecutionRunId().isEmpty() ? ex.getRunId() : "");
              if (s.isRunning() && !req.getFirstExecutionRunId().isEmpty()
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
    return shardFor
        .apply(namespaceId, req.getWorkflowId())
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
    return router.run(namespaceId, workflowId).delete(namespaceId, workflowId, runId);
  }

  /** The delete step on this node's shard (see RunOperations). */
  public CompletableFuture<Void> deleteHere(String namespaceId, String workflowId, String runId) {
    var shard = shardFor.apply(namespaceId, workflowId);
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
                      store.deleteExecution(namespaceId, workflowId, id);
                      recentEvents.forget(namespaceId, id);
                      txn.forget(namespaceId, workflowId, id);
                      return null;
                    }));
  }
}
