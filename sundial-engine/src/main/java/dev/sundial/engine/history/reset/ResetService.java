package dev.sundial.engine.history.reset;

import dev.sundial.engine.api.EngineException;
import dev.sundial.engine.history.EventPages;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.shard.ShardTxn;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.CurrentExecution;
import io.temporal.api.enums.v1.ResetReapplyExcludeType;
import io.temporal.api.enums.v1.ResetReapplyType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * ResetWorkflowExecution. All runs of a workflow id live on one shard, so the reset is one
 * operation there; the history it copies and reapplies is read from the store first (outside the
 * shard's mailbox), then the operation checks that none of those runs moved on meanwhile, and
 * starts over when one did. A repeated request (same request id) answers with the run it created.
 */
public final class ResetService {
  private static final int ATTEMPTS = 10;
  private final BiFunction<String, String, Shard> shardFor;
  private final EventPages history;
  private final Executor io;
  private final ScheduledExecutorService scheduler;

  /**
   * @param shardFor the shard serving a workflow (UNAVAILABLE when this node does not)
   * @param io where history is read, outside the shard's mailbox
   */
  public ResetService(
      BiFunction<String, String, Shard> shardFor, EventPages history,
      Executor io, ScheduledExecutorService scheduler) {
    this.shardFor = shardFor;
    this.history = history;
    this.io = io;
    this.scheduler = scheduler;
  }

  /** The runs the reset reads: the base run and the runs it continued as new into. */
  private record Plan(String dedupRunId, List<RunRef> chain) {}

  private record RunRef(String runId, long nextEventId) {}

  /** A run of the chain moved on between reading its history and resetting. */
  private static final class Moved extends RuntimeException {
    Moved() {
      super(null, null, false, false);
    }
  }

  /** Resets and returns the new run id. */
  public CompletableFuture<String> reset(String namespaceId, ResetWorkflowExecutionRequest req) {
    CompletableFuture<String> result = new CompletableFuture<>();
    attempt(namespaceId, req, 1, result);
    return result;
  }

  private void attempt(
      String namespaceId, ResetWorkflowExecutionRequest req, int attempt,
      CompletableFuture<String> result) {
    String workflowId = req.getWorkflowExecution().getWorkflowId();
    Shard shard = shardFor.apply(namespaceId, workflowId);
    shard
        .execute(txn -> plan(txn, namespaceId, req))
        .thenComposeAsync(
            plan -> {
              if (plan.dedupRunId() != null) {
                return CompletableFuture.completedFuture(plan.dedupRunId());
              }
              List<List<HistoryEvent>> histories = new ArrayList<>();
              for (RunRef r : plan.chain()) {
                histories.add(readAll(namespaceId, r.runId(), r.nextEventId() - 1));
              }
              return shard.execute(txn -> apply(txn, namespaceId, req, plan, histories));
            },
            io)
        .whenComplete(
            (runId, err) -> {
              Throwable cause = err instanceof CompletionException && err.getCause() != null
                  ? err.getCause() : err;
              if (cause == null) {
                result.complete(runId);
              } else if (cause instanceof Moved && attempt < ATTEMPTS) {
                scheduler.schedule(
                    () -> attempt(namespaceId, req, attempt + 1, result), 20L * attempt,
                    TimeUnit.MILLISECONDS);
              } else if (cause instanceof Moved) {
                result.completeExceptionally(new EngineException(EngineException.Code.UNAVAILABLE,
                    "the workflow kept changing while it was being reset, please retry"));
              } else {
                result.completeExceptionally(cause);
              }
            });
  }

  /** Phase 1 (on the shard, writes nothing): which runs to read, or the answer to a repeat. */
  private Plan plan(
      ShardTxn txn, String namespaceId, ResetWorkflowExecutionRequest req) {
    String workflowId = req.getWorkflowExecution().getWorkflowId();
    MutableState base =
        txn.resolve(namespaceId, workflowId, req.getWorkflowExecution().getRunId());
    CurrentExecution cur = txn.current(namespaceId, workflowId);
    if (cur != null) {
      MutableState current = txn.load(namespaceId, workflowId, cur.runId());
      if (current != null && req.getRequestId().equals(current.reset.resetRequestId)) {
        return new Plan(current.runId, List.of());
      }
    }
    Resetter.checkFinishEventId(base, req.getWorkflowTaskFinishEventId());
    return new Plan(null, chain(txn, base));
  }

  /** The base run and the runs it continued as new into (as Temporal follows them). */
  private static List<RunRef> chain(ShardTxn txn, MutableState base) {
    List<RunRef> chain = new ArrayList<>();
    MutableState run = base;
    while (run != null && chain.size() < 10_000) {
      chain.add(new RunRef(run.runId, run.nextEventId));
      if (run.status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
          || run.newRunId.isEmpty()) {
        break;
      }
      run = txn.load(run.namespaceId, run.workflowId, run.newRunId);
    }
    return chain;
  }

  /** Events 1..lastEventId of a run, waiting briefly for ones still being committed. */
  private List<HistoryEvent> readAll(String namespaceId, String runId, long lastEventId) {
    for (int wait = 0; ; wait++) {
      List<HistoryEvent> events = new ArrayList<>();
      long from = 1;
      while (from <= lastEventId) {
        List<HistoryEvent> page = history.read(namespaceId, runId, from, lastEventId, 10_000);
        if (page.isEmpty()) {
          break;
        }
        events.addAll(page);
        from = page.get(page.size() - 1).getEventId() + 1;
      }
      if (events.size() == lastEventId) {
        return events;
      }
      if (wait >= 50) {
        throw new Moved(); // not committed yet (or the run was deleted meanwhile): start over
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Moved();
      }
    }
  }

  /** Phase 3 (on the shard): checks nothing moved, then resets. */
  private String apply(
      ShardTxn txn, String namespaceId, ResetWorkflowExecutionRequest req,
      Plan plan, List<List<HistoryEvent>> histories) {
    String workflowId = req.getWorkflowExecution().getWorkflowId();
    CurrentExecution cur = txn.current(namespaceId, workflowId);
    MutableState current = cur == null ? null : txn.load(namespaceId, workflowId, cur.runId());
    if (current != null && req.getRequestId().equals(current.reset.resetRequestId)) {
      return current.runId;
    }
    List<Resetter.RunEvents> chain = new ArrayList<>();
    for (int i = 0; i < plan.chain().size(); i++) {
      RunRef r = plan.chain().get(i);
      MutableState run = txn.load(namespaceId, workflowId, r.runId());
      if (run == null || run.nextEventId != r.nextEventId()) {
        throw new Moved();
      }
      chain.add(new Resetter.RunEvents(run, histories.get(i)));
    }
    MutableState last = chain.get(chain.size() - 1).run();
    if (last.status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
        && !last.newRunId.isEmpty()) {
      throw new Moved(); // the chain grew
    }
    boolean excludeSignals = false;
    boolean excludeUpdates = false;
    for (ResetReapplyExcludeType t : req.getResetReapplyExcludeTypesList()) {
      excludeSignals |= t == ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_SIGNAL;
      excludeUpdates |= t == ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE;
    }
    // The deprecated include form: SIGNAL means signals only, NONE means nothing.
    if (req.getResetReapplyType() == ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL) {
      excludeUpdates = true;
    } else if (req.getResetReapplyType() == ResetReapplyType.RESET_REAPPLY_TYPE_NONE) {
      excludeSignals = true;
      excludeUpdates = true;
    }
    Resetter.Request r =
        new Resetter.Request(
            req.getWorkflowTaskFinishEventId(), req.getReason(), req.getRequestId(),
            !excludeSignals, !excludeUpdates);
    return Resetter.reset(txn, chain, current, cur, r, UUID.randomUUID().toString()).runId;
  }
}
