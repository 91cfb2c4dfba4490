package dev.sundial.engine.worker;

import dev.sundial.engine.api.PollCancellation;
import dev.sundial.engine.api.StaleTaskException;
import dev.sundial.engine.cluster.RunRouter;
import dev.sundial.engine.matching.Matching;
import dev.sundial.engine.matching.TaskQueueKey;
import dev.sundial.engine.matching.TaskQueues;
import dev.sundial.engine.metrics.EngineMetrics;
import dev.sundial.engine.query.QueryRegistry;
import dev.sundial.engine.shard.Shard;
import dev.sundial.engine.state.MutableState;
import dev.sundial.persistence.QueueTask;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.taskqueue.v1.PollerInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long poll both kinds of task share: wait for a matched task, record it started on its run's
 * shard (here or on the owning node), and answer; a stale task is dropped and the poll goes on.
 */
public final class TaskPoller {
  private static final Logger log = LoggerFactory.getLogger(TaskPoller.class);
  private final BiFunction<String, String, Shard> shardFor;
  private final RunRouter router;
  private final TaskQueues queues;
  private final Matching matching;
  private final ScheduledExecutorService scheduler;
  private final EngineMetrics metrics;
  private final ShutDownWorkers shutDown = new ShutDownWorkers();

  public TaskPoller(
      BiFunction<String, String, Shard> shardFor, RunRouter router, TaskQueues queues,
      Matching matching, ScheduledExecutorService scheduler, EngineMetrics metrics) {
    this.metrics = metrics;
    this.shardFor = shardFor;
    this.router = router;
    this.queues = queues;
    this.matching = matching;
    this.scheduler = scheduler;
  }

  interface Starter<R> {
    CompletableFuture<R> start(QueueTask task);
  }

  /**
   * Waits for a task, records it started, and answers; a stale task is dropped (and its backlog
   * row deleted) and the poll continues with the time it has left.
   */
  <R> CompletableFuture<R> poll(
      TaskQueueKey key, PollerInfo poller, String workerInstanceKey, long timeoutMillis,
      PollCancellation cancel, R empty, Starter<R> starter) {
    if (shutDown.recent(workerInstanceKey, System.currentTimeMillis())) {
      return CompletableFuture.completedFuture(empty); // the worker said it shut down
    }
    matching.recordPoller(key, poller);
    CompletableFuture<R> result = new CompletableFuture<>();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    pollOnce(key, poller.getIdentity(), workerInstanceKey, deadline, cancel, empty, starter,
        result);
    return result;
  }

  /**
   * A worker announced its shutdown: its polls waiting now end empty, and those it still sends
   * for a while are answered empty (see ShutDownWorkers).
   */
  public void workerShutDown(String workerInstanceKey) {
    shutDown.add(workerInstanceKey, System.currentTimeMillis());
    matching.cancelPollsOf(workerInstanceKey);
  }

  private <R> void pollOnce(
      TaskQueueKey key, String identity, String workerInstanceKey, long deadline,
      PollCancellation cancel, R empty, Starter<R> starter, CompletableFuture<R> result) {
    long remaining = deadline - System.currentTimeMillis();
    if (remaining <= 0 || cancel.isCancelled()) {
      result.complete(empty);
      return;
    }
    if (!queues.servesHere(key)) {
      // The queue's partition is served elsewhere (ownership just moved): answer empty after a
      // short pause, so the worker polls again and is routed to the new owner.
      scheduler.schedule(
          () -> result.complete(empty), Math.min(remaining, 500), TimeUnit.MILLISECONDS);
      return;
    }
    Matching.Poll p = matching.poll(key, identity, workerInstanceKey, remaining);
    cancel.onCancel(p::cancel);
    p.future()
        .thenAccept(
            task -> {
              if (task == null) {
                result.complete(empty);
                return;
              }
              if (cancel.isCancelled()) {
                queues.offer(task); // nobody to hand it to: give it back
                result.complete(empty);
                return;
              }
              starter
                  .start(task)
                  .whenComplete(
                      (r, err) -> {
                        if (err == null) {
                          metrics.internalRequest(key.kind() == QueueTask.KIND_ACTIVITY
                              ? "RecordActivityTaskStarted" : "RecordWorkflowTaskStarted",
                              "history", key.namespaceId());
                          result.complete(r);
                          return;
                        }
                        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
                        if (cause instanceof StaleTaskException) {
                          dropStale(task);
                        } else {
                          log.warn("could not start task {}: {}", task.taskId(), cause.toString());
                          scheduler.schedule(
                              () -> queues.offer(task), 200, TimeUnit.MILLISECONDS);
                        }
                        pollOnce(key, identity, workerInstanceKey, deadline, cancel, empty,
                            starter, result);
                      });
            });
  }

  /** The queue is a worker's sticky queue (its metrics are labelled as sticky). */
  void markSticky(TaskQueueKey key) {
    matching.markSticky(key);
  }

  /** Deletes the backlog row of a task that turned out stale (on its run's shard). */
  public void dropStale(QueueTask task) {
    if (QueryRegistry.isQueryTask(task)) {
      return; // an in-memory query task has no backlog row
    }
    router.run(task.namespaceId(), task.workflowId()).dropStale(task);
  }

  /** Deletes the backlog row of a stale task, here. */
  public void dropStaleHere(QueueTask task) {
    Shard shard = shardFor.apply(task.namespaceId(), task.workflowId());
    shard.execute(
        txn -> {
          txn.deleteQueueTask(task.taskId());
          return null;
        });
  }

  static WorkflowExecution execution(MutableState s) {
    return WorkflowExecution.newBuilder().setWorkflowId(s.workflowId).setRunId(s.runId).build();
  }
}
