package dev.sundial.engine;

import dev.sundial.engine.cluster.ShardMap;
import dev.sundial.engine.history.activity.Activities;
import dev.sundial.engine.history.timer.UserTimers;
import dev.sundial.engine.history.workflow.StandaloneActivities;
import dev.sundial.engine.history.workflow.WorkflowClose;
import dev.sundial.engine.history.workflow.WorkflowRuns;
import dev.sundial.engine.history.workflowtask.WorkflowTasks;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.engine.timer.TimerQueue;
import dev.sundial.engine.timer.TimerRef;
import dev.sundial.engine.transfer.TransferProcessor;
import dev.sundial.persistence.TimerTask;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.LoggerFactory;

/**
 * Runs durable timers as they come due: each kind goes to the feature that owns it (a run's
 * timers to its transition on the run's shard, transfers to the transfer processor, retention to
 * the deleter). A timer whose step fails is retried in 1 s while this node still owns its shard.
 */
final class TimerTasks {
  private static final Logger log = LoggerFactory.getLogger(TimerTasks.class);
  private final BiFunction<String, String, Shard> shardFor;
  private final ShardMap shards;
  private final TimerQueue timers;
  private final RetentionDeleter retention;
  private final TransferProcessor transfers;
  private final ExecutorService ioPool;
  private final ScheduledExecutorService scheduler;

  TimerTasks(
      BiFunction<String, String, Shard> shardFor, ShardMap shards, TimerQueue timers,
      RetentionDeleter retention, TransferProcessor transfers, ExecutorService ioPool,
      ScheduledExecutorService scheduler) {
    this.shardFor = shardFor;
    this.shards = shards;
    this.timers = timers;
    this.retention = retention;
    this.transfers = transfers;
    this.ioPool = ioPool;
    this.scheduler = scheduler;
  }

  /** Re-arms a failed timer in 1 s, unless its shard has moved (the new owner has the row). */
  private void retryLater(TimerTask task) {
    scheduler.schedule(() -> {
      if (shards.ownsShard(task.shardId())) timers.add(task);
    }, 1, TimeUnit.SECONDS);
  }

  /**
   * A durable timer is due: apply its transition (idempotent) and delete it. Lines logged for it
   * (here and in the shard transaction, which inherits the logging context) name its run.
   */
  void fire(TimerTask task) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    MDC.put("task", TimerKind.of(task.kind()).name());
    MDC.put("namespaceId", task.namespaceId());
    MDC.put("workflowId", task.workflowId());
    MDC.put("runId", task.runId());
    try {
      dispatch(task);
    } finally {
      if (previous == null) MDC.clear();
      else MDC.setContextMap(previous);
    }
  }

  private void dispatch(TimerTask task) {
    if (!shards.ownsShard(task.shardId())) {
      timers.finished(task);
      return; // the shard moved: its new owner loaded this timer
    }
    TimerKind kind = TimerKind.of(task.kind());
    if (kind == TimerKind.RETENTION_DELETE) {
      retention.process(task).whenComplete((ok, err) -> {
        if (err != null) {
          log.warn("retention task {} failed, retrying in 1 s: {}", task.taskId(), err.toString());
          retryLater(task);
        } else {
          timers.finished(task);
        }
      });
      return;
    }
    if (kind.isTransfer()) {
      CompletableFuture.supplyAsync(() -> transfers.process(task), ioPool)
          .thenCompose(f -> f)
          .whenComplete(
              (ok, err) -> {
                if (err != null) {
                  log.warn("transfer task {} failed, retrying in 1 s: {}", task.taskId(), err.toString());
                  retryLater(task);
                } else {
                  timers.finished(task);
                }
              });
      return;
    }
    shardFor.apply(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              txn.deleteTimer(task.taskId());
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null || !s.isRunning()) {
                return null;
              }
              TimerRef ref = TimerRef.decode(task.payload());
              switch (kind) {
                case USER_TIMER -> UserTimers.onFire(txn, s, ref);
                case ACTIVITY_TIMEOUT, ACTIVITY_RETRY -> {
                  Activities.onTimer(txn, s, kind, ref);
                  StandaloneActivities.settle(txn, s);
                }
                case WORKFLOW_TASK_TIMEOUT -> {
                  // Speculative tasks reuse event ids and attempts: only their own timer counts.
                  if (!s.workflowTask.isSpeculative() || s.workflowTask.timeoutTaskId == task.taskId()) {
                    WorkflowTasks.onTimeout(txn, s, ref);
                  }
                }
                case WORKFLOW_TIMEOUT -> WorkflowClose.timeOut(txn, s);
                case WORKFLOW_BACKOFF -> WorkflowRuns.onBackoffFired(txn, s);
                default -> log.warn("timer kind {} fired on the shard path", kind);
              }
              return null;
            })
        .whenComplete(
            (ok, err) -> {
              if (err != null) {
                log.warn("timer {} failed, retrying in 1 s: {}", task.taskId(), err.toString());
                retryLater(task);
              } else {
                timers.finished(task); // its row is deleted: a refill will not bring it back
              }
            });
  }

}
