package dev.sundial.engine.history.update;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ExecutionNotFoundException;
import dev.sundial.engine.api.WorkflowNotReadyException;
import dev.sundial.engine.history.EventPages;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.RunKey;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.CurrentExecution;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.update.v1.Request;
import io.temporal.api.update.v1.UpdateRef;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateRequest;
import io.temporal.api.workflowservice.v1.PollWorkflowExecutionUpdateResponse;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.UpdateWorkflowExecutionResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

/**
 * Workflow updates from the client side: UpdateWorkflowExecution (admit, or attach to the update
 * with the same id, then wait for the asked stage), PollWorkflowExecutionUpdate, and
 * update-with-start. The worker side is in history.update and the workflow task paths.
 */
public final class UpdateService {
  /** A workflow task failing this many times in a row refuses new updates (as Temporal). */
  static final int FAILING_TASK_ATTEMPTS = 3;

  private final BiFunction<String, String, Shard> shardFor;
  private final UpdateRegistry registry;
  private final ScheduledExecutorService scheduler;

  /**
   * @param shardFor the shard serving a workflow (UNAVAILABLE when this node does not)
   * @param history reads an update's accepted or completed event back from history
   */
  public UpdateService(
      BiFunction<String, String, Shard> shardFor, UpdateRegistry registry, EventPages history,
      ScheduledExecutorService scheduler) {
    this.shardFor = shardFor;
    this.registry = registry;
    this.scheduler = scheduler;
    registry.setEventReader(
        (namespaceId, runId, eventId) -> {
          var events = history.read(namespaceId, runId, eventId, eventId, 1);
          return events.isEmpty() ? null : events.get(0);
        });
  }

  /** An update found or admitted on a run. */
  private record Admitted(String runId, Update update, boolean startedRun) {}

  // ------------------------------------------------------------------ UpdateWorkflowExecution

  /**
   * Admits the update (or attaches to the one with its id) and waits until it reaches the asked
   * stage or the budget runs out (then the stage reached so far is the answer).
   */
  public CompletableFuture<UpdateWorkflowExecutionResponse> update(
      String namespaceId, UpdateWorkflowExecutionRequest req, long budgetMillis) {
    return update(namespaceId, req, System.currentTimeMillis() + budgetMillis, false);
  }

  private CompletableFuture<UpdateWorkflowExecutionResponse> update(
      String namespaceId, UpdateWorkflowExecutionRequest req, long deadline, boolean retry) {
    WorkflowExecution ex = req.getWorkflowExecution();
    String updateId = req.getRequest().getMeta().getUpdateId();
    return shardFor
        .apply(namespaceId, ex.getWorkflowId())
        .execute(
            txn -> {
              MutableState s =
                  txn.resolve(namespaceId, ex.getWorkflowId(), ex.getRunId());
              if (!req.getFirstExecutionRunId().isEmpty()
                  && !req.getFirstExecutionRunId().equals(s.firstExecutionRunId)) {
                throw new ExecutionNotFoundException(ex.getWorkflowId(), ex.getRunId());
              }
              if (retry && !s.isRunning() && registry.find(s, updateId) == null) {
                // The run this update was admitted to closed before it was accepted.
                throw UpdateAbortedException.closing();
              }
              return new Admitted(s.runId, admit(txn, s, req.getRequest()), false);
            })
        .thenCompose(
            a ->
                UpdateWait.await(a.update(), req.getWaitPolicy().getLifecycleStage(), deadline,
                        scheduler)
                    .thenApply(st -> response(ex.getWorkflowId(), a.runId(), updateId, st)))
        .exceptionallyCompose(
            e -> {
              Throwable cause = unwrap(e);
              if (!retry && retryable(cause) && System.currentTimeMillis() < deadline) {
                // Closing runs and lost updates are retried once here, as Temporal does: with no
                // run id asked for, a run that continued lands the update on its successor.
                return update(namespaceId, req, deadline, true);
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private static boolean retryable(Throwable t) {
    return t instanceof UpdateAbortedException a
        && (a.reason() == UpdateAbortedException.Reason.WORKFLOW_CLOSING
            || a.reason() == UpdateAbortedException.Reason.CLEARED);
  }

  /**
   * On the run's shard: the update with the request's id if the run knows it, else a new one
   * admitted, with a speculative workflow task to carry it when no task is outstanding.
   */
  private Update admit(ShardTxn txn, MutableState s, Request request) {
    String id = request.getMeta().getUpdateId();
    Update u = registry.find(s, id);
    if (u != null) {
      return u; // the same update id: attach to it (or answer with its outcome)
    }
    if (!s.isRunning()) {
      throw EngineException.notFound("workflow execution already completed");
    }
    if (s.workflowTask.attempt >= FAILING_TASK_ATTEMPTS) {
      // Updates are handled after events, so they cannot fix a failing workflow task.
      throw new WorkflowNotReadyException(
          "Unable to perform workflow execution update due to Workflow Task in failed state.");
    }
    Update admitted = registry.admit(s, request);
    RunKey key = new RunKey(s.namespaceId, s.workflowId, s.runId);
    txn.onRollback(() -> registry.forget(key, admitted));
    // A scheduled task carries it when it starts; a running one is followed by another. Before
    // the first task (start delay) the first task carries it.
    if (!s.workflowTask.isScheduled() && s.lastCompletedStartedEventId > 0) {
      WorkflowTasks.scheduleSpeculative(txn, s);
    }
    return admitted;
  }

  private static UpdateWorkflowExecutionResponse response(
      String workflowId, String runId, String updateId, UpdateWait.Status st) {
    UpdateWorkflowExecutionResponse.Builder b =
        UpdateWorkflowExecutionResponse.newBuilder()
            .setUpdateRef(ref(workflowId, runId, updateId))
            .setStage(st.stage());
    if (st.outcome() != null) b.setOutcome(st.outcome());
    return b.build();
  }

  private static UpdateRef ref(String workflowId, String runId, String updateId) {
    return UpdateRef.newBuilder()
        .setWorkflowExecution(
            WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
        .setUpdateId(updateId)
        .build();
  }

  // ------------------------------------------------------------------ PollWorkflowExecutionUpdate

  public CompletableFuture<PollWorkflowExecutionUpdateResponse> poll(
      String namespaceId, PollWorkflowExecutionUpdateRequest req, long budgetMillis) {
    long deadline = System.currentTimeMillis() + budgetMillis;
    WorkflowExecution ex = req.getUpdateRef().getWorkflowExecution();
    String updateId = req.getUpdateRef().getUpdateId();
    return shardFor
        .apply(namespaceId, ex.getWorkflowId())
        .execute(
            txn -> {
              MutableState s =
                  txn.resolve(namespaceId, ex.getWorkflowId(), ex.getRunId());
              Update u = registry.find(s, updateId);
              if (u == null) {
                throw EngineException.notFound("update \"" + updateId + "\" not found");
              }
              return new Admitted(s.runId, u, false);
            })
        .thenCompose(
            a ->
                UpdateWait.await(a.update(), req.getWaitPolicy().getLifecycleStage(), deadline,
                        scheduler)
                    .thenApply(
                        st -> {
                          PollWorkflowExecutionUpdateResponse.Builder b =
                              PollWorkflowExecutionUpdateResponse.newBuilder()
                                  .setUpdateRef(ref(ex.getWorkflowId(), a.runId(), updateId))
                                  .setStage(st.stage());
                          if (st.outcome() != null) b.setOutcome(st.outcome());
                          return b.build();
                        }));
  }

  // ------------------------------------------------------------------ update-with-start

  /** Both answers of an update-with-start. */
  public record UpdateWithStart(
      StartWorkflowExecutionResponse start, UpdateWorkflowExecutionResponse update) {}

  /**
   * One operation of a multi-operation failed. Each element is the error of that operation: null
   * when it succeeded, {@link #ABORTED} when it was not carried out because of the other one.
   */
  public static final class MultiOperationException extends RuntimeException {
    public static final EngineException ABORTED =
        new EngineException(EngineException.Code.INTERNAL, "Operation was aborted.");

    private final Throwable[] errors;

    MultiOperationException(Throwable start, Throwable update) {
      super("MultiOperation could not be executed.", null, false, false);
      this.errors = new Throwable[] {start, update};
    }

    public Throwable[] errors() {
      return errors.clone();
    }
  }

  /**
   * Starts the workflow unless a run that should take the update is there (the same start
   * request, the same update id, or conflict policy USE_EXISTING), then admits the update and
   * waits like {@link #update}.
   */
  public CompletableFuture<UpdateWithStart> updateWithStart(
      String namespaceId, StartWorkflowExecutionRequest start, UpdateWorkflowExecutionRequest update,
      long budgetMillis) {
    return updateWithStart(
        namespaceId, start, update, System.currentTimeMillis() + budgetMillis, false);
  }

  private CompletableFuture<UpdateWithStart> updateWithStart(
      String namespaceId, StartWorkflowExecutionRequest start, UpdateWorkflowExecutionRequest update,
      long deadline, boolean retry) {
    String workflowId = start.getWorkflowId();
    String updateId = update.getRequest().getMeta().getUpdateId();
    return shardFor
        .apply(namespaceId, workflowId)
        .execute(txn -> startOrAttach(txn, namespaceId, start, update.getRequest()))
        .thenCompose(
            a ->
                UpdateWait.await(a.update(), update.getWaitPolicy().getLifecycleStage(), deadline,
                        scheduler)
                    .handle(
                        (st, e) -> {
                          if (e != null) {
                            // A started run stays started; only the update failed.
                            throw new MultiOperationException(
                                a.startedRun() ? null : MultiOperationException.ABORTED,
                                unwrap(e));
                          }
                          return new UpdateWithStart(
                              StartWorkflowExecutionResponse.newBuilder()
                                  .setRunId(a.runId())
                                  .setStarted(a.startedRun())
                                  .setStatus(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
                                  .build(),
                              response(workflowId, a.runId(), updateId, st));
                        }))
        .exceptionallyCompose(
            e -> {
              Throwable cause = unwrap(e);
              if (!retry
                  && cause instanceof MultiOperationException m
                  && m.errors[0] == MultiOperationException.ABORTED
                  && m.errors[1] instanceof UpdateAbortedException u
                  && u.reason() == UpdateAbortedException.Reason.WORKFLOW_CLOSING
                  && System.currentTimeMillis() < deadline) {
                // The run closed before taking the update: try once more (it may start a new one).
                return updateWithStart(namespaceId, start, update, deadline, true);
              }
              return CompletableFuture.failedFuture(cause);
            });
  }

  private Admitted startOrAttach(
      ShardTxn txn, String namespaceId, StartWorkflowExecutionRequest start, Request request) {
    String workflowId = start.getWorkflowId();
    String updateId = request.getMeta().getUpdateId();
    CurrentExecution current = txn.current(namespaceId, workflowId);
    if (current != null) {
      MutableState s = txn.load(namespaceId, workflowId, current.runId());
      if (s != null) {
        Update u;
        try {
          u = registry.find(s, updateId);
        } catch (RuntimeException e) {
          throw new MultiOperationException(MultiOperationException.ABORTED, e);
        }
        if (u != null && u.state() == Update.State.COMPLETED) {
          return new Admitted(s.runId, u, false); // done before: answer with its outcome
        }
        boolean attach =
            s.isRunning()
                && (u != null
                    || (!start.getRequestId().isEmpty()
                        && start.getRequestId().equals(s.startRequestId))
                    || start.getWorkflowIdConflictPolicy()
                        == WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING);
        if (attach) {
          try {
            return new Admitted(s.runId, admit(txn, s, request), false);
          } catch (RuntimeException e) {
            throw new MultiOperationException(MultiOperationException.ABORTED, e);
          }
        }
      }
    }
    StartWorkflow.Result r;
    try {
      r = StartWorkflow.start(txn, namespaceId, start);
    } catch (RuntimeException e) {
      throw new MultiOperationException(e, MultiOperationException.ABORTED);
    }
    MutableState s = txn.load(namespaceId, workflowId, r.runId());
    try {
      if (s == null || !s.isRunning()) {
        throw EngineException.notFound("workflow execution already completed");
      }
      return new Admitted(s.runId, admit(txn, s, request), r.started());
    } catch (RuntimeException e) {
      throw new MultiOperationException(MultiOperationException.ABORTED, e);
    }
  }

  private static Throwable unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
