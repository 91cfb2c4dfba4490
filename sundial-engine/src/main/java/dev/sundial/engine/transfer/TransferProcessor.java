package dev.sundial.engine.transfer;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.api.ParentRun;
import dev.sundial.engine.api.WorkflowAlreadyStartedException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.history.EventPages;
import dev.sundial.engine.history.RunStates;
import dev.sundial.engine.history.workflow.CancelRequests;
import dev.sundial.engine.history.workflow.Children;
import dev.sundial.engine.history.workflow.ExternalRequests;
import dev.sundial.engine.history.workflow.Signals;
import dev.sundial.engine.history.workflow.StartWorkflow;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.namespace.NamespaceRegistry;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.ChildInfo;
import dev.sundial.engine.state.ExternalRequest;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.state.Priorities;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.persistence.CurrentExecution;
import dev.sundial.persistence.TimerTask;
import io.temporal.api.common.v1.Priority;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.ChildWorkflowExecutionCanceledEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionCompletedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionFailedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionTerminatedEventAttributes;
import io.temporal.api.history.v1.ChildWorkflowExecutionTimedOutEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.RequestCancelExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.history.v1.SignalExternalWorkflowExecutionInitiatedEventAttributes;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;

/**
 * Processes transfer tasks: steps that reach another workflow (possibly on another shard). Each
 * task runs as: read the source, act on the target (idempotent by request id), record the outcome
 * on the source and delete the task row in the same write. A crash between steps re-runs the
 * task from the start.
 */
public final class TransferProcessor {
  private final BiFunction<String, String, Shard> shardFor;
  private final RunRouter router;
  private final RunStates states;
  private final EventPages history;
  private final NamespaceRegistry namespaces;

  /** Built from the source run's shard, where target runs' steps execute, and committed runs. */
  public TransferProcessor(
      BiFunction<String, String, Shard> shardFor, RunRouter router, RunStates states,
      EventPages history, NamespaceRegistry namespaces) {
    this.shardFor = shardFor;
    this.router = router;
    this.states = states;
    this.history = history;
    this.namespaces = namespaces;
  }

  public CompletableFuture<?> process(TimerTask task) {
    TimerRef ref = TimerRef.decode(task.payload());
    return switch (TimerKind.of(task.kind())) {
      case START_CHILD -> startChild(task, ref.eventId());
      case CHILD_CLOSED -> childClosed(task, ref.eventId());
      case SIGNAL_EXTERNAL, CANCEL_EXTERNAL -> external(task, ref.eventId());
      case PARENT_CLOSE_POLICY -> parentClosePolicy(task, ref.eventId());
      default -> CompletableFuture.failedFuture(
          new IllegalStateException("unknown transfer kind " + task.kind()));
    };
  }

  private Shard source(TimerTask task) {
    return shardFor.apply(task.namespaceId(), task.workflowId());
  }

  /** Deletes the task row; used when there is nothing (left) to do. */
  private CompletableFuture<Void> done(TimerTask task) {
    return source(task).execute(txn -> {
      txn.deleteTimer(task.taskId());
      return null;
    });
  }

  // ------------------------------------------------------------------ children

  private record ChildStart(StartWorkflowExecutionRequest request, ParentRun parent,
      String childNamespaceId) {}

  private CompletableFuture<?> startChild(TimerTask task, long initiatedId) {
    return source(task)
        .execute(txn -> {
          MutableState p = txn.load(task.namespaceId(), task.workflowId(), task.runId());
          ChildInfo ci = p == null ? null : p.children.get(initiatedId);
          if (p == null || !p.isRunning() || ci == null || ci.startedEventId != 0) {
            txn.deleteTimer(task.taskId());
            return null;
          }
          var i = ci.initiated;
          StartWorkflowExecutionRequest.Builder r =
              StartWorkflowExecutionRequest.newBuilder()
                  .setNamespace(i.getNamespace())
                  .setWorkflowId(i.getWorkflowId())
                  .setWorkflowType(i.getWorkflowType())
                  .setTaskQueue(i.getTaskQueue())
                  .setWorkflowExecutionTimeout(i.getWorkflowExecutionTimeout())
                  .setWorkflowRunTimeout(i.getWorkflowRunTimeout())
                  .setWorkflowTaskTimeout(i.getWorkflowTaskTimeout())
                  .setRequestId(p.runId + "/child/" + initiatedId)
                  .setWorkflowIdReusePolicy(i.getWorkflowIdReusePolicy())
                  .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL)
                  .setCronSchedule(i.getCronSchedule());
          if (i.hasInput()) r.setInput(i.getInput());
          if (i.hasRetryPolicy()) r.setRetryPolicy(i.getRetryPolicy());
          if (i.hasHeader()) r.setHeader(i.getHeader());
          if (i.hasMemo()) r.setMemo(i.getMemo());
          if (i.hasSearchAttributes()) r.setSearchAttributes(i.getSearchAttributes());
          // As in Temporal: the child inherits what the command leaves unset of the parent's priority.
          Priority priority = Priorities.merge(p.priority(), i.getPriority());
          if (priority != null) r.setPriority(priority);
          if (ci.userMetadata != null) r.setUserMetadata(ci.userMetadata);
          WorkflowExecution root =
              p.started.hasRootWorkflowExecution()
                  ? p.started.getRootWorkflowExecution()
                  : WorkflowExecution.newBuilder().setWorkflowId(p.workflowId).setRunId(p.runId).build();
          ParentRun parent =
              new ParentRun(
                  namespaces.byId(p.namespaceId).name(), p.namespaceId, p.workflowId,
                  p.runId, initiatedId, root);
          return new ChildStart(r.build(), parent, i.getNamespaceId());
        })
        .thenCompose(cs -> {
          if (cs == null) return CompletableFuture.completedFuture(null);
          String childNs = cs.childNamespaceId().isEmpty() ? task.namespaceId() : cs.childNamespaceId();
          return router.run(childNs, cs.request().getWorkflowId())
              .startChild(childNs, cs.request(), cs.parent())
              .thenCompose(runId -> source(task).execute(txn -> {
                txn.deleteTimer(task.taskId());
                MutableState p = txn.load(task.namespaceId(), task.workflowId(), task.runId());
                ChildInfo ci = p == null ? null : p.children.get(initiatedId);
                if (ci != null) {
                  if (runId != null) {
                    Children.started(txn, p, ci, runId);
                  } else {
                    Children.startFailed(txn, p, ci);
                  }
                }
                return null;
              }));
        });
  }

  /** Starts the child on its shard (this node's): its run id, or null when the id is taken. */
  public CompletableFuture<String> startChildTarget(
      String childNs, StartWorkflowExecutionRequest request, ParentRun parent) {
    return shardFor
        .apply(childNs, request.getWorkflowId())
        .execute(txn -> StartWorkflow.start(txn, childNs, request, parent).runId())
        .handle((runId, err) -> {
          Throwable cause = unwrap(err);
          if (cause != null && !(cause instanceof WorkflowAlreadyStartedException)) {
            throw new CompletionException(cause);
          }
          return runId; // null: the id is taken
        });
  }

  /** A child chain closed (task on the child run): record the outcome in the parent. */
  private CompletableFuture<?> childClosed(TimerTask task, long closeEventId) {
    MutableState child;
    try {
      child = states.read(task.namespaceId(), task.workflowId(), task.runId());
    } catch (EngineException e) {
      return done(task); // deleted meanwhile: nobody left to tell
    }
    var st = child.started;
    EventPages.Page page =
        history.page(child.namespaceId, child.runId, closeEventId, closeEventId, 1);
    if (page.events().isEmpty() || !st.hasParentWorkflowExecution()) {
      return done(task);
    }
    HistoryEvent.Builder event = parentEvent(child, page.events().get(0));
    String parentNs = st.getParentWorkflowNamespaceId();
    var pe = st.getParentWorkflowExecution();
    if (event == null) {
      return done(task);
    }
    HistoryEvent built = event.build();
    return router.run(parentNs, pe.getWorkflowId())
        .childClosed(parentNs, pe.getWorkflowId(), pe.getRunId(), st.getParentInitiatedEventId(),
            built)
        .thenCompose(v -> done(task));
  }

  /** Records a child's outcome in its parent (the parent's shard is this node's). */
  public CompletableFuture<Void> childClosedTarget(
      String parentNs, String parentWorkflowId, String parentRunId, long initiatedId,
      HistoryEvent event) {
    return shardFor
        .apply(parentNs, parentWorkflowId)
        .execute(txn -> {
          MutableState p = txn.load(parentNs, parentWorkflowId, parentRunId);
          ChildInfo ci = p == null ? null : p.children.get(initiatedId);
          if (ci != null) {
            Children.closed(txn, p, ci, event.toBuilder());
          }
          return null;
        });
  }

  /** The parent's view of a child's close event. */
  private HistoryEvent.Builder parentEvent(MutableState child, HistoryEvent close) {
    String ns = namespaces.byId(child.namespaceId).name();
    WorkflowExecution ex =
        WorkflowExecution.newBuilder().setWorkflowId(child.workflowId).setRunId(child.runId).build();
    var type = child.started.getWorkflowType();
    HistoryEvent.Builder b = HistoryEvent.newBuilder();
    switch (close.getEventType()) {
      case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
        var a = ChildWorkflowExecutionCompletedEventAttributes.newBuilder()
            .setNamespace(ns).setNamespaceId(child.namespaceId).setWorkflowExecution(ex).setWorkflowType(type);
        var c = close.getWorkflowExecutionCompletedEventAttributes();
        if (c.hasResult()) a.setResult(c.getResult());
        b.setEventType(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED)
            .setChildWorkflowExecutionCompletedEventAttributes(a);
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> {
        var c = close.getWorkflowExecutionFailedEventAttributes();
        b.setEventType(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED)
            .setChildWorkflowExecutionFailedEventAttributes(
                ChildWorkflowExecutionFailedEventAttributes.newBuilder()
                    .setFailure(c.getFailure()).setNamespace(ns).setNamespaceId(child.namespaceId)
                    .setWorkflowExecution(ex).setWorkflowType(type).setRetryState(c.getRetryState()));
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED -> {
        var c = close.getWorkflowExecutionCanceledEventAttributes();
        var a = ChildWorkflowExecutionCanceledEventAttributes.newBuilder()
            .setNamespace(ns).setNamespaceId(child.namespaceId).setWorkflowExecution(ex).setWorkflowType(type);
        if (c.hasDetails()) a.setDetails(c.getDetails());
        b.setEventType(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED)
            .setChildWorkflowExecutionCanceledEventAttributes(a);
      }
      case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
          b.setEventType(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT)
              .setChildWorkflowExecutionTimedOutEventAttributes(
                  ChildWorkflowExecutionTimedOutEventAttributes.newBuilder()
                      .setNamespace(ns).setNamespaceId(child.namespaceId).setWorkflowExecution(ex)
                      .setWorkflowType(type)
                      .setRetryState(close.getWorkflowExecutionTimedOutEventAttributes().getRetryState()));
      case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED ->
          b.setEventType(EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED)
              .setChildWorkflowExecutionTerminatedEventAttributes(
                  ChildWorkflowExecutionTerminatedEventAttributes.newBuilder()
                      .setNamespace(ns).setNamespaceId(child.namespaceId).setWorkflowExecution(ex)
                      .setWorkflowType(type));
      default -> {
        return null; // continued as new / retried: the chain goes on and reports later
      }
    }
    return b;
  }

  // ------------------------------------------------------------------ external signal / cancel

  private record Target(ExternalRequest request, String namespaceId, String workflowId, String runId) {}

  private CompletableFuture<?> external(TimerTask task, long initiatedId) {
    return source(task)
        .execute(txn -> {
          MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
          ExternalRequest r = s == null ? null : s.externalRequests.get(initiatedId);
          if (s == null || !s.isRunning() || r == null) {
            txn.deleteTimer(task.taskId());
            return null;
          }
          String ns = r.signal != null ? r.signal.getNamespaceId() : r.cancel.getNamespaceId();
          WorkflowExecution ex =
              r.signal != null ? r.signal.getWorkflowExecution() : r.cancel.getWorkflowExecution();
          return new Target(r, ns.isEmpty() ? task.namespaceId() : ns, ex.getWorkflowId(), ex.getRunId());
        })
        .thenCompose(t -> {
          if (t == null) return CompletableFuture.completedFuture(null);
          String requestId = task.runId() + "/external/" + initiatedId;
          WorkflowExecution sourceRun =
              WorkflowExecution.newBuilder().setWorkflowId(task.workflowId()).setRunId(task.runId()).build();
          return router.run(t.namespaceId(), t.workflowId())
              .external(t.namespaceId(), t.workflowId(), t.runId(), t.request().signal,
                  t.request().cancel, requestId, sourceRun, initiatedId)
              .thenCompose(delivered -> source(task).execute(txn -> {
                txn.deleteTimer(task.taskId());
                MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
                ExternalRequest r = s == null ? null : s.externalRequests.get(initiatedId);
                if (r != null) {
                  ExternalRequests.resolved(txn, s, r, delivered);
                }
                return null;
              }));
        });
  }

  /**
   * Delivers an external signal or cancel request to its target (on this node's shard); false
   * when the target does not exist or is closed.
   */
  public CompletableFuture<Boolean> externalTarget(
      String namespaceId, String workflowId, String runId,
      SignalExternalWorkflowExecutionInitiatedEventAttributes signal,
      RequestCancelExternalWorkflowExecutionInitiatedEventAttributes cancel,
      String requestId, WorkflowExecution source, long initiatedId) {
    return shardFor
        .apply(namespaceId, workflowId)
        .execute(txn -> {
          MutableState target;
          try {
            target = txn.resolve(namespaceId, workflowId, runId);
          } catch (EngineException e) {
            return false;
          }
          if (!target.isRunning()) {
            return false;
          }
          if (signal != null) {
            Signals.signal(txn, target, signal.getSignalName(),
                signal.hasInput() ? signal.getInput() : null,
                signal.hasHeader() ? signal.getHeader() : null, "", requestId, source);
          } else {
            CancelRequests.request(
                txn, target, requestId, "", cancel.getReason(), source, initiatedId);
          }
          return true;
        });
  }

  // ------------------------------------------------------------------ parent close policy

  private record PolicyTarget(ParentClosePolicy policy, String namespaceId, String workflowId, String runId) {}

  private CompletableFuture<?> parentClosePolicy(TimerTask task, long initiatedId) {
    return source(task)
        .execute(txn -> {
          MutableState p = txn.load(task.namespaceId(), task.workflowId(), task.runId());
          ChildInfo ci = p == null ? null : p.children.get(initiatedId);
          if (ci == null) {
            txn.deleteTimer(task.taskId());
            return null;
          }
          String ns = ci.initiated.getNamespaceId().isEmpty() ? task.namespaceId() : ci.initiated.getNamespaceId();
          return new PolicyTarget(ci.initiated.getParentClosePolicy(), ns, ci.initiated.getWorkflowId(), ci.runId);
        })
        .thenCompose(t -> {
          if (t == null) return CompletableFuture.completedFuture(null);
          String requestId = task.runId() + "/close/" + initiatedId;
          return router.run(t.namespaceId(), t.workflowId())
              .parentClose(t.policy(), t.namespaceId(), t.workflowId(), t.runId(), requestId)
              .thenCompose(v -> done(task));
        });
  }

  /**
   * Applies a parent close policy to the child chain that started as {@code childRunId} (on this
   * node's shard); nothing when that chain is closed.
   */
  public CompletableFuture<Void> parentCloseTarget(
      ParentClosePolicy policy, String namespaceId, String workflowId, String childRunId,
      String requestId) {
    return shardFor
        .apply(namespaceId, workflowId)
        .execute(txn -> {
          CurrentExecution c = txn.current(namespaceId, workflowId);
          if (c == null || !c.running()) return null;
          MutableState child = txn.load(namespaceId, workflowId, c.runId());
          // Only the chain this parent started (its first run is the child run we saw).
          if (child == null || !child.isRunning()
              || !(child.firstExecutionRunId.equals(childRunId) || child.runId.equals(childRunId))) {
            return null;
          }
          if (policy == ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
            CancelRequests.request(txn, child, requestId, "", "by parent close policy", null, 0);
          } else {
            WorkflowClose.terminate(txn, child, "by parent close policy", null, "");
          }
          return null;
        });
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
