package dev.sundial.engine;

import dev.sundial.engine.history.RecentEvents;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.MutableState;
import dev.sundial.engine.timer.TimerKind;
import dev.sundial.persistence.ExecutionStore;
import dev.sundial.persistence.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * Processes {@link TimerKind#RETENTION_DELETE} tasks: the closed run is deleted from the store on
 * its shard's mailbox (so no operation on it runs meanwhile) and forgotten by the shard's cache,
 * as DeleteWorkflowExecution does. The task row goes with the run. Idempotent: a run already gone
 * leaves only the task row to delete; a run that is (still) open is kept.
 */
final class RetentionDeleter {
  private final BiFunction<String, String, Shard> shardFor;
  private final ExecutionStore store;
  private final RecentEvents recentEvents;

  RetentionDeleter(
      BiFunction<String, String, Shard> shardFor, ExecutionStore store, RecentEvents recentEvents) {
    this.shardFor = shardFor;
    this.store = store;
    this.recentEvents = recentEvents;
  }

  CompletableFuture<Void> process(TimerTask task) {
    return shardFor
        .apply(task.namespaceId(), task.workflowId())
        .execute(
            txn -> {
              MutableState s = txn.load(task.namespaceId(), task.workflowId(), task.runId());
              if (s == null || s.isRunning()) {
                txn.deleteTimer(task.taskId());
                return null;
              }
              store.deleteExecution(task.namespaceId(), task.workflowId(), task.runId());
              recentEvents.forget(task.namespaceId(), task.runId());
              txn.forget(task.namespaceId(), task.workflowId(), task.runId());
              return null;
            });
  }
}
